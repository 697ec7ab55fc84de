#!/usr/bin/env bash
# Smoke test of the Emacs eglot snippet in the main README.md against the
# real factcheck-ls, in batch Emacs:
#
#   bash editors/nvim/test/eglot_smoke.sh
#
# It opens a draft with an emoji before a wrong figure in a temporary copy of
# fixtures/, and checks that the figure-mismatch diagnostic lands on the "30",
# that hover on a supported figure shows the source passage, and that the
# "Change to 25 (003)" code action fixes the line. Exits 0 when all pass, 1
# when one fails, 77 (skipped) when Emacs with eglot and markdown-mode is not
# installed. On Debian 12: apt-get install emacs-nox elpa-eglot
# elpa-markdown-mode (Emacs 28.2 with eglot 1.9; Emacs 29+ has eglot built in).
# Not part of CI.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

if ! command -v emacs >/dev/null 2>&1; then
  echo "SKIP: no emacs on PATH"
  exit 77
fi
if ! emacs --batch --eval '(progn (package-initialize) (require (quote eglot)) (require (quote markdown-mode)))' >/dev/null 2>&1; then
  echo "SKIP: $(emacs --version | head -n 1) lacks eglot or markdown-mode"
  exit 77
fi

if [ ! -x "$repo/target/release/factcheck-ls" ]; then
  (cd "$repo" && cargo build --release --quiet)
fi
export PATH="$repo/target/release:$PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/factcheck-eglot.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/project/drafts"
cp -r "$repo/fixtures/corpus" "$repo/fixtures/factcheck.toml" "$work/project/"
printf '# ICE field offices\n\n😀 ICE has 30 field offices.\n\nICE has 25 field offices.\n' \
  >"$work/project/drafts/e2e.md"

# The snippet from the README, between <!-- e2e:eglot-config --> and the end
# of the ```elisp block after it.
awk '/<!-- e2e:eglot-config -->/ {on=1; next} on && /^```elisp/ {inside=1; next} inside && /^```/ {exit} inside {print}' \
  "$here/../../../README.md" >"$work/snippet.el"
if ! grep -q factcheck-ls "$work/snippet.el"; then
  echo "FAIL - no eglot snippet after <!-- e2e:eglot-config --> in README.md"
  echo "0 passed, 1 failed"
  exit 1
fi

cat >"$work/smoke.el" <<'ELISP'
;;; -*- lexical-binding: t -*-
(package-initialize)
(require 'markdown-mode)
(require 'cl-lib)

(setq eglot-sync-connect 10)
(defvar smoke-passed 0)
(defun smoke-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n") #'external-debugging-output))
(defun smoke-fail (fmt &rest args)
  (smoke-out "FAIL - %s" (apply #'format fmt args))
  (smoke-out "%d passed, 1 failed" smoke-passed)
  (kill-emacs 1))
(defun smoke-ok (what)
  (setq smoke-passed (1+ smoke-passed))
  (smoke-out "ok - %s" what))
(defun smoke-wait (secs pred)
  (let ((deadline (+ (float-time) secs)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))
(defun smoke-pos (line needle)
  "Buffer position of NEEDLE on LINE (1-based)."
  (save-excursion
    (goto-char (point-min))
    (forward-line (1- line))
    (search-forward needle (line-end-position))
    (- (point) (length needle))))

;; The README's snippet (inserted here by eglot_smoke.sh).
(load (getenv "SMOKE_SNIPPET") nil t)
(require 'eglot) ; runs its with-eval-after-load
(unless (assoc '(markdown-mode gfm-mode) eglot-server-programs)
  (smoke-fail "the snippet did not add factcheck-ls to eglot-server-programs"))

(find-file (getenv "SMOKE_DRAFT"))
(unless (derived-mode-p 'markdown-mode) (markdown-mode))
(condition-case err
    (apply #'eglot (eglot--guess-contact))
  (error (smoke-fail "eglot did not start: %S" err)))
(unless (smoke-wait 20 (lambda () (eglot-current-server)))
  (smoke-fail "eglot did not connect"))
(smoke-ok (format "eglot connected to %s in %s"
                  (plist-get (eglot--server-info (eglot-current-server)) :name)
                  (project-root (eglot--project (eglot-current-server)))))

(let* ((msg "source says 25 field offices, not 30; see 003")
       (want (smoke-pos 3 "30"))
       (diag (smoke-wait 20 (lambda ()
                              (cl-find-if (lambda (d) (string-match-p (regexp-quote msg) (flymake-diagnostic-text d)))
                                          (flymake-diagnostics))))))
  (unless diag
    (smoke-fail "no figure-mismatch diagnostic within 20 s; have %S"
                (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
  (unless (and (= (flymake-diagnostic-beg diag) want) (= (flymake-diagnostic-end diag) (+ want 2)))
    (smoke-fail "diagnostic at %d-%d, expected %d-%d (the 30)"
                (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) want (+ want 2)))
  (smoke-ok (format "figure-mismatch on the 30 after the emoji: %S" (flymake-diagnostic-text diag))))

(let* ((pos (smoke-pos 5 "25"))
       (hover (save-excursion
                (goto-char pos)
                (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                 (eglot--TextDocumentPositionParams))))
       (value (plist-get (plist-get hover :contents) :value)))
  (unless (and value (string-match-p (regexp-quote "ICE has **25 field offices**") value))
    (smoke-fail "hover lacks the passage: %S" hover))
  (smoke-ok "hover shows `ICE has **25 field offices**`"))

(let* ((beg (smoke-pos 3 "30"))
       (actions (eglot-code-actions beg (+ beg 2)))
       (fix (cl-find-if (lambda (a) (equal (plist-get a :title) "Change to 25 (003)")) actions)))
  (unless fix
    (smoke-fail "no \"Change to 25 (003)\" action; got %S" (mapcar (lambda (a) (plist-get a :title)) actions)))
  (eglot--apply-workspace-edit (plist-get fix :edit))
  (let ((line (save-excursion (goto-char (point-min)) (forward-line 2)
                              (buffer-substring-no-properties (point) (line-end-position)))))
    (unless (equal line "😀 ICE has 25 field offices.")
      (smoke-fail "line after the fix: %S" line)))
  (unless (smoke-wait 20 (lambda ()
                           (not (cl-find-if (lambda (d) (string-match-p "not 30" (flymake-diagnostic-text d)))
                                            (flymake-diagnostics)))))
    (smoke-fail "the diagnostic did not clear after the fix"))
  (smoke-ok "\"Change to 25 (003)\" fixed the line and the diagnostic cleared"))

(ignore-errors (eglot-shutdown (eglot-current-server)))
(smoke-out "%d passed, 0 failed" smoke-passed)
(kill-emacs 0)
ELISP

echo "$(emacs --version | head -n 1), factcheck-ls $(command -v factcheck-ls)"
SMOKE_DRAFT="$work/project/drafts/e2e.md" SMOKE_SNIPPET="$work/snippet.el" HOME="$work" \
  timeout --kill-after=5 90 emacs --batch -l "$work/smoke.el" </dev/null
