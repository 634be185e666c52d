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

;; The agent's question comes as window/showMessageRequest: lsp-mode's own handler asks
;; with `completing-read', answered here with Dismiss (M-x agentls-answer replies later).
(advice-add 'lsp--on-request :around
            (lambda (orig workspace request)
              (if (not (equal (gethash "method" request) "window/showMessageRequest"))
                  (funcall orig workspace request)
                (agentls-test--push 'questions
                                    (gethash "message" (gethash "params" request)))
                (cl-letf (((symbol-function 'completing-read) (lambda (&rest _) "Dismiss")))
                  (funcall orig workspace request)))))

(defun agentls-test--ask (fn)
  "Call FN with `read-string' answering $AGENTLS_TEST_INSTRUCTION, its prompts noted."
  (cl-letf (((symbol-function 'read-string)
             (lambda (prompt &optional initial &rest _)
               (agentls-test--push 'input_prompts (list (cons 'prompt prompt)
                                                        (cons 'initial initial)))
               (getenv "AGENTLS_TEST_INSTRUCTION"))))
    (call-interactively fn)))

(defun agentls-test--wait-edits (count)
  (agentls-test--wait (format "%d workspace/applyEdit" count) 20
                      (lambda () (>= (length (alist-get 'apply_edits agentls-test-report))
                                     count))))

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
  (let ((scenario (getenv "AGENTLS_TEST_SCENARIO")))
    (cond
     ((equal scenario "answer") ; the run asked instead: M-x agentls-answer
      (agentls-test--wait "the question" 20
                          (lambda () (alist-get 'questions agentls-test-report)))
      (agentls-test--step "question asked")
      (agentls-test--ask #'agentls-answer))
     ((equal scenario "refine") ; M-x agentls-refine on the generated code
      (agentls-test--wait-edits 1)
      (save-some-buffers t)
      (agentls-test--step "implemented")
      (agentls-test--goto-line-containing (getenv "AGENTLS_TEST_REVIEW_LINE"))
      (agentls-test--ask #'agentls-refine)))
    (agentls-test--wait-edits (if (equal scenario "refine") 2 1))
    (agentls-test--step "edit applied")
    (let ((deadline (+ (float-time) 0.3))) ; an edit arriving now would be a bug
      (while (< (float-time) deadline) (accept-process-output nil 0.05)))
    (agentls-test--set 'buffer (buffer-substring-no-properties (point-min) (point-max)))
    (save-some-buffers t)
    (agentls-test--step "written")
    (when (getenv "AGENTLS_TEST_HOVER_LINE")
      (agentls-test--set 'hover (agentls-test--hover-text (getenv "AGENTLS_TEST_HOVER_LINE")))
      (agentls-test--step "hovered"))))

(condition-case err
    (agentls-test--scenario)
  (error (agentls-test--set 'error (error-message-string err))))
(ignore-errors (lsp-workspace-shutdown (car (lsp-workspaces))))
(agentls-test-write-report-and-exit)
;;; scenario-lsp-mode.el ends here
