;;; agentls-lsp-mode.el --- agentls for Emacs with lsp-mode  -*- lexical-binding: t -*-
;; Add to your init file (or `load' this file). `agentls' must be on `exec-path'.
;; agentls runs as an add-on next to your usual language server.
;; Run an agent: select code, M-x lsp-execute-code-action, choose "Implement backend".

(require 'lsp-mode)

(lsp-register-custom-settings
 '(("agentls.edit_format" "auto")))

(lsp-register-client
 (make-lsp-client
  :new-connection (lsp-stdio-connection '("agentls" "serve"))
  :activation-fn (lsp-activate-on "python" "javascript" "typescript" "go")
  :server-id 'agentls
  :add-on? t
  :priority -2
  :initialized-fn (lambda (workspace)
                    (with-lsp-workspace workspace
                      (lsp--set-configuration (lsp-configuration-section "agentls"))))))

(defun agentls-cancel ()
  "Cancel every agentls run."
  (interactive)
  (lsp-workspace-command-execute "agentls.cancel"))

;;; agentls-lsp-mode.el ends here
