;;; agentls-eglot.el --- agentls for Emacs with eglot  -*- lexical-binding: t -*-
;; Add to your init file (or `load' this file). `agentls' must be on `exec-path'.
;; eglot runs one server per buffer: the modes listed here use agentls instead of
;; their usual server. Pick the modes you want agents in.
;; Run an agent: select code, M-x eglot-code-actions, choose "Implement backend".

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode js-mode typescript-mode go-mode)
               . ("agentls" "serve")))

;; Settings under the `agentls' section (sent with workspace/didChangeConfiguration).
;; Provider and keys may instead come from the environment (AGENTLS_PROVIDER, ...).
(setq-default eglot-workspace-configuration
              '(:agentls (:edit_format "auto")))

;; agentls sends its edits when a run ends; let them apply without a prompt.
(setq eglot-confirm-server-initiated-edits nil)

(defun agentls-cancel ()
  "Cancel every agentls run of this buffer's server."
  (interactive)
  (jsonrpc-async-request (or (eglot-current-server) (user-error "No agentls server here"))
                         :workspace/executeCommand '(:command "agentls.cancel")
                         :success-fn #'ignore :error-fn #'ignore))

;;; agentls-eglot.el ends here
