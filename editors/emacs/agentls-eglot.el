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

;; Review and iterate: on code a run wrote, M-x eglot-code-actions offers Keep this
;; change, Revert this change, Undo <agent> run and Refine…. These two commands ask for
;; your words with `read-string': M-x agentls-refine on generated code, M-x
;; agentls-answer for the question an agent asked instead of writing code.

(require 'subr-x)

(defvar agentls--question nil
  "The newest question an agent asked: (:runId ID :question TEXT :agent NAME).")

(defun agentls--server ()
  (or (eglot-current-server) (user-error "No agentls server here")))

(defun agentls--action (kind)
  "The agentls code action of KIND at point (or on the region), or nil."
  (let ((beg (if (use-region-p) (region-beginning) (point)))
        (end (if (use-region-p) (region-end) (point))))
    (car (eglot-code-actions beg end kind))))

(defun agentls--argument (action)
  "A copy of the argument ACTION's command carries (a plist)."
  (copy-sequence (aref (plist-get (plist-get action :command) :arguments) 0)))

(defun agentls--words (prompt &optional initial)
  (let ((words (string-trim (read-string prompt initial))))
    (if (string-empty-p words) (user-error "agentls: nothing to send") words)))

(defun agentls--execute (command argument)
  "Send agentls COMMAND with ARGUMENT; its change arrives when the run ends."
  (jsonrpc-async-request
   (agentls--server) :workspace/executeCommand
   (list :command command :arguments (vector argument))
   :success-fn (lambda (result)
                 (when (equal (plist-get result :status) "question")
                   (setq agentls--question result)
                   (message "agentls: %s asks: %s (M-x agentls-answer)"
                            (plist-get result :agent) (plist-get result :question))))
   :error-fn (lambda (error) (message "agentls: %s" (plist-get error :message)))))

(defun agentls-refine ()
  "Refine the generated code at point: its run goes on with what should change."
  (interactive)
  (agentls--server)
  (let* ((action (or (agentls--action "refactor.agentls.refine")
                     (user-error "agentls: no generated code here to refine")))
         (argument (agentls--argument action))
         ;; Under an `agentls:' comment, its words come first.
         (words (agentls--words (format "Refine %s's change: "
                                        (or (plist-get argument :agent) "the agent"))
                                (plist-get argument :instruction))))
    (agentls--execute "agentls.refine" (plist-put argument :instruction words))))

(defun agentls-answer ()
  "Answer an agent's question: the one waiting in this file, else the newest."
  (interactive)
  (agentls--server)
  (let* ((action (agentls--action "refactor.agentls.answer"))
         (argument (cond (action (agentls--argument action))
                         (agentls--question
                          (list :runId (plist-get agentls--question :runId)
                                :agent (plist-get agentls--question :agent)
                                :question (plist-get agentls--question :question)))
                         (t (user-error "agentls: no question is waiting for an answer"))))
         (question (plist-get argument :question))
         (words (agentls--words
                 (if question
                     (format "%s asks: %s\nYour answer: "
                             (or (plist-get argument :agent) "the agent") question)
                   "Your answer: ")
                 (plist-get argument :text))))
    (when (equal (plist-get agentls--question :runId) (plist-get argument :runId))
      (setq agentls--question nil))
    (agentls--execute "agentls.reply" (plist-put argument :text words))))

;;; agentls-eglot.el ends here
