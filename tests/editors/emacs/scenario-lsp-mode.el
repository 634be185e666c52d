;;; scenario-lsp-mode.el --- headless lsp-mode scenario for the agentls editor tests  -*- lexical-binding: t -*-
;; Loads the shipped lsp-mode snippet, runs "Implement backend" through
;; `lsp-execute-code-action', and writes what it saw as JSON to $AGENTLS_TEST_RESULT.

(load (expand-file-name "common.el" (file-name-directory load-file-name)) nil t)
(setq lsp-auto-guess-root t
      lsp-enable-file-watchers nil
      lsp-restart 'ignore
      lsp-keep-workspace-alive nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-lens-enable nil
      lsp-enable-snippet nil
      lsp-auto-execute-action nil
      lsp-session-file (expand-file-name "lsp-session" (getenv "HOME")))
(load (getenv "AGENTLS_TEST_SNIPPET") nil t)
;; Only agentls: the test machine has no other Python server.
(setq lsp-disabled-clients '(pyls pylsp mspyls pyright jedi semgrep-ls ruff-lsp))

(advice-add 'lsp--on-notification :before
            (lambda (_workspace notification)
              (let ((method (gethash "method" notification)))
                (agentls-test--push 'notifications method)
                (when (equal method "window/showMessage")
                  (agentls-test--push 'messages
                                      (gethash "message" (gethash "params" notification)))))))
(advice-add 'lsp--on-request :before
            (lambda (_workspace request)
              (when (equal (gethash "method" request) "workspace/applyEdit")
                (agentls-test--push 'apply_edits
                                    (or (gethash "label" (gethash "params" request)) "")))))

(defun agentls-test--hover-text (text)
  (agentls-test--goto-line-containing text)
  (skip-chars-forward " \t")
  (forward-char 1)
  (let* ((answer (lsp-request "textDocument/hover" (lsp--text-document-position-params)))
         (contents (and answer (gethash "contents" answer))))
    (cond ((stringp contents) contents)
          ((hash-table-p contents) (gethash "value" contents))
          (t (format "%S" contents)))))

(defun agentls-test--scenario ()
  (find-file (getenv "AGENTLS_TEST_FILE"))
  (lsp)
  (agentls-test--wait "lsp-mode to initialize" 15
                      (lambda ()
                        (seq-some (lambda (w) (eq (lsp--workspace-status w) 'initialized))
                                  (lsp-workspaces))))
  (agentls-test--step "attached")
  (agentls-test--goto-line-containing (getenv "AGENTLS_TEST_TODO"))
  (transient-mark-mode 1)
  (push-mark (point) t t)
  (end-of-line)
  (let ((started (float-time)))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (dolist (item collection) (agentls-test--push 'offered (car item)))
                 "Implement backend")))
      (condition-case err
          (call-interactively #'lsp-execute-code-action)
        (error (agentls-test--set 'command_error (error-message-string err)))))
    (agentls-test--set 'command_seconds (- (float-time) started)))
  (deactivate-mark)
  (agentls-test--step "action chosen")
  (agentls-test--wait "workspace/applyEdit" 20
                      (lambda () (alist-get 'apply_edits agentls-test-report)))
  (agentls-test--step "edit applied")
  (save-some-buffers t)
  (agentls-test--step "written")
  (agentls-test--set 'hover (agentls-test--hover-text (getenv "AGENTLS_TEST_HOVER_LINE")))
  (agentls-test--step "hovered"))

(condition-case err
    (agentls-test--scenario)
  (error (agentls-test--set 'error (error-message-string err))))
(ignore-errors (lsp-workspace-shutdown (car (lsp-workspaces))))
(agentls-test-write-report-and-exit)
;;; scenario-lsp-mode.el ends here
