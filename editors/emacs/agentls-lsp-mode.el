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

;; Review and iterate: on code a run wrote, M-x lsp-execute-code-action offers Keep this
;; change, Revert this change, Undo <agent> run and Refine…. These two commands ask for
;; your words with `read-string': M-x agentls-refine on generated code, M-x
;; agentls-answer for the question an agent asked instead of writing code.

(require 'subr-x)

(defvar agentls--question nil
  "The newest question an agent asked (the command's result), or nil.")

(defun agentls--workspace ()
  (or (lsp-find-workspace 'agentls (buffer-file-name))
      (user-error "agentls is not running for this buffer")))

(defun agentls--action (kind)
  "The agentls code action of KIND at point (or on the region), or nil."
  (let* ((beg (if (use-region-p) (region-beginning) (point)))
         (end (if (use-region-p) (region-end) (point)))
         (actions (with-lsp-workspace (agentls--workspace)
                    (lsp-request "textDocument/codeAction"
                                 (list :textDocument (lsp--text-document-identifier)
                                       :range (lsp--region-to-range beg end)
                                       :context (list :diagnostics [] :only (vector kind)))))))
    (seq-find (lambda (action) (equal (lsp-get action :kind) kind)) actions)))

(defun agentls--argument (action)
  "A copy of the argument ACTION's command carries."
  (lsp-copy (aref (lsp-get (lsp-get action :command) :arguments) 0)))

(defun agentls--object (&rest pairs)
  "An LSP object of PAIRS (key value ...): hash table or plist, as lsp-mode uses."
  (let ((object (if lsp-use-plists nil (make-hash-table :test #'equal))))
    (while pairs (setq object (lsp-put object (pop pairs) (pop pairs))))
    object))

(defun agentls--words (prompt &optional initial)
  (let ((words (string-trim (read-string prompt initial))))
    (if (string-empty-p words) (user-error "agentls: nothing to send") words)))

(defun agentls--execute (command argument)
  "Send agentls COMMAND with ARGUMENT; its change arrives when the run ends."
  (with-lsp-workspace (agentls--workspace)
    (lsp-request-async
     "workspace/executeCommand" (list :command command :arguments (vector argument))
     (lambda (result)
       (when (equal (lsp-get result :status) "question")
         (setq agentls--question result)
         (message "agentls: %s asks: %s (M-x agentls-answer)"
                  (lsp-get result :agent) (lsp-get result :question))))
     :mode 'detached)))

(defun agentls-refine ()
  "Refine the generated code at point: its run goes on with what should change."
  (interactive)
  (let* ((action (or (agentls--action "refactor.agentls.refine")
                     (user-error "agentls: no generated code here to refine")))
         (argument (agentls--argument action))
         ;; Under an `agentls:' comment, its words come first.
         (words (agentls--words (format "Refine %s's change: "
                                        (or (lsp-get argument :agent) "the agent"))
                                (lsp-get argument :instruction))))
    (agentls--execute "agentls.refine" (lsp-put argument :instruction words))))

(defun agentls-answer ()
  "Answer an agent's question: the one waiting in this file, else the newest."
  (interactive)
  (let* ((action (agentls--action "refactor.agentls.answer"))
         (argument (cond (action (agentls--argument action))
                         (agentls--question
                          (agentls--object :runId (lsp-get agentls--question :runId)
                                           :agent (lsp-get agentls--question :agent)
                                           :question (lsp-get agentls--question :question)))
                         (t (user-error "agentls: no question is waiting for an answer"))))
         (question (lsp-get argument :question))
         (words (agentls--words
                 (if question
                     (format "%s asks: %s\nYour answer: "
                             (or (lsp-get argument :agent) "the agent") question)
                   "Your answer: ")
                 (lsp-get argument :text))))
    (when (and agentls--question
               (equal (lsp-get agentls--question :runId) (lsp-get argument :runId)))
      (setq agentls--question nil))
    (agentls--execute "agentls.reply" (lsp-put argument :text words))))

;;; agentls-lsp-mode.el ends here
