-- Neovim integration for factcheck-ls, the language server that fact-checks
-- Markdown drafts against a folder of sources.
--
--   require("factcheck").setup({})
--
-- On Neovim 0.11+ this registers the server with vim.lsp.config() and turns it
-- on with vim.lsp.enable(). On 0.9 and 0.10 it starts the server itself from a
-- FileType autocommand with vim.lsp.start().

local M = {}

local NAME = "factcheck"

local defaults = {
  cmd = { "factcheck-ls" },
  filetypes = { "markdown" },
  root_markers = { "factcheck.toml", ".git" },
  -- Server settings: the keys of factcheck.toml, which they override:
  --   corpus = { paths = { "corpus" } }, severity = { ["figure-mismatch"] = "warning" },
  --   citation_style = "footnote" | "pandoc", unsourced_figures = true | false
  settings = {},
  on_attach = nil,
  on_init = nil,
  -- Merged over vim.lsp.protocol.make_client_capabilities().
  capabilities = nil,
  -- Position encodings offered to the server, most preferred first.
  position_encodings = { "utf-8", "utf-16" },
}

--- The options of the last setup() call (nil before it).
M.options = nil

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- True when setup() uses vim.lsp.config/vim.lsp.enable.
local function native_config()
  if M.options and M.options._legacy then
    return false -- the 0.9/0.10 code path, forced (used by the tests)
  end
  return has("nvim-0.11") and type(vim.lsp.config) ~= "nil" and type(vim.lsp.enable) == "function"
end

local function is_empty(t)
  return type(t) == "table" and next(t) == nil
end

--- The settings as the server should see them in JSON.
--- Neovim encodes an empty Lua table as a JSON array, which the server rejects
--- where it expects an object, so empty maps are dropped (every key is
--- optional) and an empty whole becomes vim.empty_dict(). `corpus.paths` is a
--- list and is kept even when empty.
local function to_wire(settings)
  local out = {}
  for k, v in pairs(settings or {}) do
    if k == "corpus" and type(v) == "table" then
      if v.paths ~= nil then
        out.corpus = { paths = v.paths }
      end
    elseif k == "severity" and type(v) == "table" then
      if not is_empty(v) then
        out.severity = v
      end
    else
      out[k] = v
    end
  end
  if next(out) == nil then
    return vim.empty_dict()
  end
  return out
end

local function get_clients(filter)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(filter)
  end
  return vim.lsp.get_active_clients(filter) -- Neovim 0.9
end

local function capabilities(opts)
  local caps = vim.lsp.protocol.make_client_capabilities()
  if opts.capabilities then
    caps = vim.tbl_deep_extend("force", caps, opts.capabilities)
  end
  caps.general = caps.general or {}
  -- Set the list outright: older tbl_deep_extend merges lists index by index.
  local user = opts.capabilities and opts.capabilities.general and opts.capabilities.general.positionEncodings
  caps.general.positionEncodings = vim.deepcopy(user or opts.position_encodings)
  return caps
end

local function on_init(opts)
  return function(client, result)
    -- Neovim 0.9 does not read the server's positionEncoding; 0.10+ does.
    local enc = result and result.capabilities and result.capabilities.positionEncoding
    if enc and client.offset_encoding ~= enc then
      client.offset_encoding = enc
    end
    if opts.on_init then
      return opts.on_init(client, result)
    end
  end
end

--- The client config shared by both code paths (without root/bufnr details).
local function client_config(opts)
  local wire = to_wire(opts.settings)
  return {
    name = NAME,
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    -- initializationOptions: omitted when there is nothing to say.
    init_options = (next(wire) ~= nil) and wire or nil,
    -- Sent as workspace/didChangeConfiguration {settings = {factcheck = ...}}
    -- right after initialization (Neovim does that for non-empty settings).
    settings = { factcheck = wire },
    capabilities = capabilities(opts),
    on_init = on_init(opts),
    on_attach = opts.on_attach,
  }
end

--- The project root for a buffer: the nearest folder, going up, that holds
--- the first of root_markers found (in order); else the file's own folder.
local function find_root(bufnr, markers)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == "" then
    return nil
  end
  local dir = vim.fs.dirname(fname)
  for _, marker in ipairs(markers) do
    local names = type(marker) == "table" and marker or { marker }
    local found = vim.fs.find(names, { upward = true, path = dir, limit = 1 })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return dir
end

local warned = false

--- False (with a warning, once) when the server command is not executable.
--- Neovim 0.11's vim.lsp.enable() only logs that to lsp.log.
local function check_cmd(opts)
  if vim.fn.executable(opts.cmd[1]) == 1 then
    return true
  end
  if not warned then
    warned = true
    vim.notify(
      ("factcheck: `%s` is not executable or not on PATH. Install the server with "
        .. "`cargo install --path .` in the factcheck-ls repository, or pass `cmd` to setup()."):format(opts.cmd[1]),
      vim.log.levels.WARN
    )
  end
  return false
end

local function legacy_start(bufnr, opts)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return
  end
  if not vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
    return
  end
  if not check_cmd(opts) then
    return
  end
  local root = find_root(bufnr, opts.root_markers)
  if not root then
    return
  end
  local config = client_config(opts)
  config.root_markers = nil
  config.filetypes = nil
  config.root_dir = root
  -- vim.lsp.start reuses a running client with the same name and root_dir.
  vim.lsp.start(config, { bufnr = bufnr })
end

local function legacy_setup(opts)
  local group = vim.api.nvim_create_augroup("factcheck_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      legacy_start(args.buf, opts)
    end,
  })
  -- Buffers that were already open when setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then
      legacy_start(bufnr, opts)
    end
  end
end

local function info()
  local lines = {}
  local mode = native_config() and "vim.lsp.config + vim.lsp.enable" or "vim.lsp.start from a FileType autocmd"
  table.insert(lines, ("factcheck.nvim: %s (Neovim %s)"):format(
    M.options and mode or "setup() has not been called",
    tostring(vim.version())
  ))
  if M.options then
    local cmd = M.options.cmd
    table.insert(lines, ("cmd: %s (%s)"):format(
      table.concat(cmd, " "),
      vim.fn.executable(cmd[1]) == 1 and vim.fn.exepath(cmd[1]) or "NOT FOUND on PATH"
    ))
    table.insert(lines, "settings: " .. vim.json.encode(to_wire(M.options.settings)))
  end
  local clients = get_clients({ name = NAME })
  if #clients == 0 then
    table.insert(lines, "no factcheck-ls client is running")
  end
  for _, c in ipairs(clients) do
    local bufs = {}
    for b in pairs(c.attached_buffers or {}) do
      table.insert(bufs, tostring(b))
    end
    local server = c.server_info and (c.server_info.name .. " " .. (c.server_info.version or "")) or "?"
    table.insert(lines, ("client %d: %s, root %s, position encoding %s, buffers %s"):format(
      c.id,
      server,
      tostring(c.config.root_dir),
      tostring(c.offset_encoding),
      table.concat(bufs, ",")
    ))
  end
  return lines
end

--- Lines describing the setup and the running clients (what :FactcheckInfo shows).
M.info = info

--- Changes the server settings of the running clients (and of clients
--- started later) with workspace/didChangeConfiguration. `settings` replaces
--- the settings given to setup(); {} goes back to factcheck.toml alone.
function M.update_settings(settings)
  assert(M.options, "factcheck: call require('factcheck').setup() first")
  M.options.settings = vim.deepcopy(settings or {})
  local wire = to_wire(M.options.settings)
  if native_config() then
    -- Assign rather than vim.lsp.config(NAME, ...), which would deep-merge
    -- the old settings into the new ones.
    vim.lsp.config[NAME] = client_config(M.options)
  end
  -- (The 0.9/0.10 autocmd reads M.options when it starts a client.)
  for _, c in ipairs(get_clients({ name = NAME })) do
    c.settings = { factcheck = wire } -- also what workspace/configuration answers
    if c.config then
      c.config.settings = c.settings
    end
    if has("nvim-0.11") then
      c:notify("workspace/didChangeConfiguration", { settings = c.settings })
    else
      c.notify("workspace/didChangeConfiguration", { settings = c.settings })
    end
  end
end

local function check(name, value, kind)
  if value ~= nil and type(value) ~= kind then
    error(("factcheck.setup: `%s` should be a %s, got %s"):format(name, kind, type(value)), 3)
  end
end

function M.setup(user)
  user = user or {}
  check("opts", user, "table")
  for _, k in ipairs({ "cmd", "settings", "filetypes", "root_markers", "capabilities", "position_encodings" }) do
    check(k, user[k], "table")
  end
  check("on_attach", user.on_attach, "function")
  check("on_init", user.on_init, "function")
  local opts = vim.tbl_extend("force", vim.deepcopy(defaults), user)
  M.options = opts

  if native_config() then
    -- Assign (not vim.lsp.config(NAME, ...)) so a second setup() replaces
    -- the first instead of merging into it.
    vim.lsp.config[NAME] = client_config(opts)
    vim.lsp.enable(NAME)
    -- Say so when the server is missing, the first time it would start.
    vim.api.nvim_create_autocmd("FileType", {
      group = vim.api.nvim_create_augroup("factcheck_lsp", { clear = true }),
      pattern = opts.filetypes,
      callback = function(args)
        if vim.bo[args.buf].buftype == "" then
          check_cmd(opts)
        end
      end,
    })
  else
    legacy_setup(opts)
  end

  pcall(vim.api.nvim_del_user_command, "FactcheckInfo")
  vim.api.nvim_create_user_command("FactcheckInfo", function()
    vim.notify(table.concat(info(), "\n"), vim.log.levels.INFO, { title = "factcheck" })
  end, { desc = "Show the factcheck-ls setup and running clients" })
end

return M
