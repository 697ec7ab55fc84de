-- End-to-end test of the Neovim integration against the real factcheck-ls,
-- in real headless Neovim. Run by editors/nvim/test/run.sh as
--
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/test/e2e.lua"
--
-- with factcheck-ls on PATH. It exits 0 (":qa!") when every check passed and
-- 1 (":cq 1") at the first failure. Each check prints "ok - ..." or
-- "FAIL - ...", and the counts go to $FACTCHECK_E2E_RESULTS if set.
--
-- Environment (all optional):
--   FACTCHECK_E2E_ENCODING  offer only this position encoding ("utf-16"):
--                           setup({ position_encodings = { "utf-16" } })
--   FACTCHECK_E2E_LEGACY=1  force the Neovim 0.9/0.10 code path (FileType
--                           autocmd + vim.lsp.start) on this Neovim
--   FACTCHECK_E2E_MANUAL=1  no plugin: run the `vim.lsp.config` snippet of
--                           editors/nvim/README.md (after <!-- e2e:manual-config -->)
--   FACTCHECK_E2E_TIMEOUT   milliseconds to wait for each server answer (20000)
--   FACTCHECK_E2E_KEEP=1    keep the temporary project

local uv = vim.uv or vim.loop

local TIMEOUT = tonumber(os.getenv("FACTCHECK_E2E_TIMEOUT") or "") or 20000
local ENCODING = os.getenv("FACTCHECK_E2E_ENCODING")
local LEGACY = os.getenv("FACTCHECK_E2E_LEGACY") == "1"
local MANUAL = os.getenv("FACTCHECK_E2E_MANUAL") == "1"

local passed, failed = 0, 0
local t0 = uv.hrtime()

local function out(msg)
  io.stdout:write(msg, "\n")
  io.stdout:flush()
end

local function elapsed()
  return ("%.2fs"):format((uv.hrtime() - t0) / 1e9)
end

local function write_results()
  local f = os.getenv("FACTCHECK_E2E_RESULTS")
  if f and f ~= "" then
    local h = assert(io.open(f, "w"))
    h:write(("%d %d\n"):format(passed, failed))
    h:close()
  end
end

local function finish(ok)
  write_results()
  if ok then
    vim.cmd("qa!")
  else
    vim.cmd("cq 1")
  end
end

-- A failed check: an error carrying this table ends the run.
local Failure = {}

local function fail(reason)
  error(setmetatable({ reason = reason }, Failure), 0)
end

local function step(name, fn)
  out(("[%s] %s ..."):format(elapsed(), name))
  local ok, err = xpcall(fn, function(e)
    if getmetatable(e) == Failure then
      return e
    end
    return { reason = debug.traceback(tostring(e), 2) }
  end)
  if ok then
    passed = passed + 1
    out(("[%s] ok - %s"):format(elapsed(), name))
  else
    failed = failed + 1
    out(("[%s] FAIL - %s: %s"):format(elapsed(), name, err.reason))
    error(setmetatable({ reason = "stopped after a failed check", reported = true }, Failure), 0)
  end
end

--- Waits up to `ms` for `cond()` to return a truthy value, and returns it.
local function wait_for(ms, cond, what)
  local value
  local ok = vim.wait(ms, function()
    value = cond()
    return value and true or false
  end, 50)
  if not ok then
    fail(("timed out after %d ms waiting for %s"):format(ms, type(what) == "function" and what() or what))
  end
  return value
end

local function expect_eq(got, want, what)
  if not vim.deep_equal(got, want) then
    fail(("%s: expected %s, got %s"):format(what, vim.inspect(want), vim.inspect(got)))
  end
end

--- The column, in position encoding `enc`, of the byte column `col` (0-based)
--- of `line`: UTF-8 counts bytes, UTF-16 code units, UTF-32 code points.
local function encoded_col(line, col, enc)
  if enc == "utf-8" then
    return col
  end
  local n = 0
  for i = 1, col do
    local b = line:byte(i)
    if b < 0x80 or b >= 0xC0 then -- the first byte of a character
      n = n + ((enc == "utf-16" and b >= 0xF0) and 2 or 1)
    end
  end
  return n
end

local function copy_file(from, to)
  local ok, err = uv.fs_copyfile(from, to)
  if not ok then
    error(("cannot copy %s to %s: %s"):format(from, to, tostring(err)))
  end
end

-- Paths -----------------------------------------------------------------

local script = debug.getinfo(1, "S").source:gsub("^@", "")
script = vim.fn.fnamemodify(script, ":p")
local nvim_dir = vim.fn.fnamemodify(script, ":h:h") -- editors/nvim
local repo = vim.fn.fnamemodify(nvim_dir, ":h:h")
local fixtures = repo .. "/fixtures"

local tmp = vim.fn.tempname() .. "-factcheck-e2e"
local draft = tmp .. "/drafts/e2e.md"

local MISMATCH = "source says 25 field offices, not 30; see 003"
local FOOTNOTE = "[^003]: Priscilla Alvarez, CNN, 2025-10-27. ../corpus/003_c06f4ef91d2d64b1.txt"
local DRAFT = {
  "# ICE field offices",
  "",
  "😀 ICE has 30 field offices.",
  "",
  "ICE has 25 field offices.",
}
local WRONG_LNUM, SUPPORTED_LNUM = 2, 4 -- 0-based

local buf, client

local function mismatches()
  return vim.tbl_filter(function(d)
    return d.code == "figure-mismatch"
  end, vim.diagnostic.get(buf))
end

local function describe_diagnostics()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(seen, ("%d:%d %s %q"):format(d.lnum, d.col, tostring(d.code), d.message))
  end
  return "the diagnostic (have: " .. (#seen > 0 and table.concat(seen, "; ") or "none") .. ")"
end

local function request(method, params)
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, TIMEOUT)
  if not responses then
    fail(("%s: no answer within %d ms (%s)"):format(method, TIMEOUT, tostring(err)))
  end
  local r = responses[client.id]
  if not r then
    fail(method .. ": no answer from the factcheck client")
  end
  if r.err or r.error then
    fail(("%s: error %s"):format(method, vim.inspect(r.err or r.error)))
  end
  return r.result
end

local function position(lnum, needle)
  local line = vim.api.nvim_buf_get_lines(buf, lnum, lnum + 1, true)[1]
  local s = line:find(needle, 1, true)
  if not s then
    fail(("%q not found in line %d: %q"):format(needle, lnum + 1, line))
  end
  return { line = lnum, character = encoded_col(line, s - 1, client.offset_encoding) }, s - 1, line
end

--- Requests code actions at `needle` on line `lnum`, and applies the one titled `title`.
local function apply_action(lnum, needle, title)
  local pos = position(lnum, needle)
  local lsp_diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf, { lnum = lnum })) do
    local raw = d.user_data and d.user_data.lsp
    if raw then
      table.insert(lsp_diags, raw)
    end
  end
  local result = request("textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = pos, ["end"] = { line = pos.line, character = pos.character + #needle } },
    context = { diagnostics = lsp_diags, triggerKind = 1 },
  }) or {}
  local titles, action = {}, nil
  for _, a in ipairs(result) do
    table.insert(titles, a.title)
    if a.title == title then
      action = a
    end
  end
  if not action then
    fail(("no code action %q; got %s"):format(title, vim.inspect(titles)))
  end
  if not action.edit then
    fail(("code action %q has no edit: %s"):format(title, vim.inspect(action)))
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  return action
end

local function lines()
  return vim.api.nvim_buf_get_lines(buf, 0, -1, true)
end

-- The test -----------------------------------------------------------------

local function main()
  out(("Neovim %s, factcheck-ls %s, position encodings offered: %s%s"):format(
    tostring(vim.version()),
    vim.fn.exepath("factcheck-ls"),
    ENCODING or "default",
    (LEGACY and ", 0.9/0.10 code path forced" or "") .. (MANUAL and ", README's vim.lsp.config snippet, no plugin" or "")
  ))
  out("temporary project: " .. tmp)

  -- A copy of the demo project: the test never writes into the repository.
  vim.fn.mkdir(tmp .. "/corpus", "p")
  vim.fn.mkdir(tmp .. "/drafts", "p")
  copy_file(fixtures .. "/factcheck.toml", tmp .. "/factcheck.toml")
  for name, kind in vim.fs.dir(fixtures .. "/corpus") do
    if kind == "file" then
      copy_file(fixtures .. "/corpus/" .. name, tmp .. "/corpus/" .. name)
    end
  end
  vim.fn.writefile(DRAFT, draft)

  step(MANUAL and "the README's vim.lsp.config snippet; open the draft: the client attaches"
    or "setup() and open the draft: the client attaches", function()
    if vim.fn.executable("factcheck-ls") ~= 1 then
      fail("factcheck-ls is not on PATH")
    end
    -- What a user's config does (filetype detection is on by default, but
    -- -u NONE turns it off).
    vim.cmd("filetype on")
    if MANUAL then
      local readme = table.concat(vim.fn.readfile(nvim_dir .. "/README.md"), "\n")
      local code = readme:match("<!%-%- e2e:manual%-config %-%->%s*```lua\n(.-)```")
      if not code then
        fail("no ```lua block after <!-- e2e:manual-config --> in " .. nvim_dir .. "/README.md")
      end
      assert((loadstring or load)(code, "README.md snippet"))()
    else
      vim.opt.rtp:prepend(nvim_dir)
      local opts = {}
      if ENCODING then
        opts.position_encodings = { ENCODING }
      end
      if LEGACY then
        opts._legacy = true
      end
      require("factcheck").setup(opts)
    end

    vim.cmd.edit(vim.fn.fnameescape(draft))
    buf = vim.api.nvim_get_current_buf()
    expect_eq(vim.bo[buf].filetype, "markdown", "filetype")
    client = wait_for(TIMEOUT, function()
      local get = vim.lsp.get_clients or vim.lsp.get_active_clients
      local c = get({ bufnr = buf, name = "factcheck" })[1]
      return c and c.initialized and c
    end, "the factcheck client to attach and initialize")
    expect_eq(client.config.root_dir, vim.fn.resolve(tmp), "root_dir")
    local want = ENCODING or "utf-8"
    expect_eq(client.offset_encoding, want, "negotiated position encoding")
    expect_eq(client.server_capabilities.positionEncoding, want, "server positionEncoding")
    out(("    root %s, position encoding %s, server %s %s"):format(
      client.config.root_dir,
      client.offset_encoding,
      client.server_info and client.server_info.name or "?",
      client.server_info and client.server_info.version or "?"
    ))
    if not MANUAL then
      local info = table.concat(require("factcheck").info(), "\n")
      if not info:find("position encoding " .. want, 1, true) then
        fail(":FactcheckInfo does not show the client: " .. info)
      end
      expect_eq(vim.fn.exists(":FactcheckInfo"), 2, ":FactcheckInfo exists")
    end
  end)

  step("figure-mismatch diagnostic on the 30, after the emoji", function()
    local d = wait_for(TIMEOUT, function()
      for _, x in ipairs(mismatches()) do
        if x.message == MISMATCH then
          return x
        end
      end
    end, describe_diagnostics)
    local _, bytecol, line = position(WRONG_LNUM, "30")
    expect_eq(d.source, "factcheck", "source")
    expect_eq(d.lnum, WRONG_LNUM, "line")
    expect_eq(d.col, bytecol, "byte column of the 30")
    expect_eq(d.end_lnum, WRONG_LNUM, "end line")
    expect_eq(d.end_col, bytecol + 2, "end byte column")
    local raw = d.user_data and d.user_data.lsp
    if raw then
      local want = encoded_col(line, bytecol, client.offset_encoding)
      expect_eq(raw.range.start.character, want, "LSP start character in " .. client.offset_encoding)
      expect_eq(raw.range["end"].character, want + 2, "LSP end character in " .. client.offset_encoding)
    end
    out(("    %d:%d-%d %q (LSP character %s in %s)"):format(
      d.lnum, d.col, d.end_col, d.message,
      raw and raw.range.start.character or "?", client.offset_encoding))
  end)

  step("hover on the supported 25 shows the source passage", function()
    local pos = position(SUPPORTED_LNUM, "25")
    local result = request("textDocument/hover", {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = pos,
    })
    if not result then
      fail("hover returned null")
    end
    local c = result.contents
    local text = type(c) == "string" and c or (c.value or vim.inspect(c))
    if not text:find("ICE has **25 field offices**", 1, true) then
      fail("hover text lacks `ICE has **25 field offices**`: " .. vim.inspect(text))
    end
    expect_eq(type(c) == "table" and c.kind, "markdown", "hover kind")
  end)

  step("settings changes reach the server (didChangeConfiguration)", function()
    local factcheck = MANUAL and {
      update_settings = function(settings)
        local wire = next(settings) and settings or vim.empty_dict()
        client:notify("workspace/didChangeConfiguration", { settings = { factcheck = wire } })
      end,
    } or require("factcheck")
    local t = uv.hrtime()
    if #mismatches() ~= 1 then
      fail("expected one figure-mismatch before changing the settings: " .. describe_diagnostics())
    end
    factcheck.update_settings({ severity = { ["figure-mismatch"] = "off" } })
    wait_for(TIMEOUT, function()
      return #mismatches() == 0
    end, "figure-mismatch to go away with its severity off")
    local off = (uv.hrtime() - t) / 1e6
    factcheck.update_settings({})
    wait_for(TIMEOUT, function()
      return #mismatches() == 1
    end, "figure-mismatch to come back with the settings reset")
    out(("    severity off: gone after %.0f ms; settings reset: back after %.0f ms"):format(
      off, (uv.hrtime() - t) / 1e6 - off))
  end)

  step('"Change to 25 (003)" fixes the line', function()
    apply_action(WRONG_LNUM, "30", "Change to 25 (003)")
    expect_eq(lines()[WRONG_LNUM + 1], "😀 ICE has 25 field offices.", "line after the fix")
  end)

  step("the diagnostic clears after the fix", function()
    wait_for(TIMEOUT, function()
      return #mismatches() == 0
    end, describe_diagnostics)
  end)

  step('"Cite 003 (CNN, 2025-10-27)" adds the marker and the footnote', function()
    apply_action(SUPPORTED_LNUM, "25", "Cite 003 (CNN, 2025-10-27)")
    local got = lines()
    if got[#got] == "" and #got == 8 then
      -- The server inserts "\n<footnote>\n" at the very end of the text
      -- (line 5, character 0, past the last buffer line). Neovim 0.11
      -- appends that as three lines, leaving a stray empty last line (fixed
      -- upstream by neovim/neovim#40133). Tolerated here; see the README.
      out("    note: a stray empty line after the footnote (Neovim's apply_text_edits at end of buffer)")
      table.remove(got)
    end
    expect_eq(got[SUPPORTED_LNUM + 1], "ICE has 25 field offices.[^003]", "cited line")
    expect_eq(got[#got], FOOTNOTE, "last line")
    expect_eq(got, {
      "# ICE field offices",
      "",
      "😀 ICE has 25 field offices.",
      "",
      "ICE has 25 field offices.[^003]",
      "",
      FOOTNOTE,
    }, "the whole buffer")
    -- The buffer is still a clean draft to the server.
    vim.wait(500)
    local left = vim.tbl_filter(function(d)
      return d.severity == vim.diagnostic.severity.ERROR
    end, vim.diagnostic.get(buf))
    if #left > 0 then
      fail("errors after citing: " .. describe_diagnostics())
    end
  end)

  step("the server shuts down when the client stops", function()
    local c = client
    local function servers()
      local pids = {}
      for _, pid in ipairs(vim.api.nvim_get_proc_children(vim.fn.getpid())) do
        local p = vim.api.nvim_get_proc(pid)
        if p and p.name and p.name:find("factcheck", 1, true) then
          table.insert(pids, pid)
        end
      end
      return pids
    end
    local before = servers()
    if #before ~= 1 then
      fail("expected one factcheck-ls child process, found " .. vim.inspect(before))
    end
    if vim.fn.has("nvim-0.11") == 1 then
      c:stop()
    else
      c.stop()
    end
    wait_for(TIMEOUT, function()
      if vim.fn.has("nvim-0.11") == 1 then
        return c:is_stopped()
      end
      return c.is_stopped()
    end, "the client to stop")
    wait_for(TIMEOUT, function()
      return #servers() == 0
    end, "the factcheck-ls process (pid " .. before[1] .. ") to exit")
  end)
end

local ok, err = xpcall(main, function(e)
  if getmetatable(e) == Failure then
    return e
  end
  return { reason = debug.traceback(tostring(e), 2) }
end)
if not ok and not err.reported then
  failed = failed + 1
  out("FAIL - " .. err.reason)
end
out(("[%s] e2e: %d passed, %d failed"):format(elapsed(), passed, failed))
if os.getenv("FACTCHECK_E2E_KEEP") ~= "1" then
  vim.fn.delete(tmp, "rf")
end
finish(ok and failed == 0)
