;;; scenario-eglot.el --- headless eglot scenario for the agentls editor tests  -*- lexical-binding: t -*-
;; Loads the shipped snippet, drives eglot's own code-action command, and writes what
;; it saw as JSON to $AGENTLS_TEST_RESULT. Run: emacs --batch -Q -l scenario-eglot.el

(load (expand-file-name "common.el" (file-name-directory load-file-name)) nil t)
(load (getenv "AGENTLS_TEST_SNIPPET") nil t)
(setq eglot-confirm-server-initiated-edits nil)

;; Record what the server sends; eglot's own methods still handle it.
(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (agentls-test--push 'notifications (format "%s" method))
              (when (eq method 'window/showMessage)
                (agentls-test--push 'messages (plist-get params :message)))))
(advice-add 'eglot-handle-request :before
            (lambda (_server method &rest params)
              (when (eq method 'workspace/applyEdit)
                (agentls-test--push 'apply_edits (or (plist-get params :label) "")))))

(defun agentls-test--choose-action (title beg end &optional on-chosen offered)
  "Run eglot's interactive code-action command, picking TITLE from its menu.
ON-CHOSEN, if given, runs once the choice is made, before the action executes.
The titles offered go to the report's OFFERED list (default `offered')."
  (let ((last-nonmenu-event 13))
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt collection &rest _)
                 (dolist (item collection) (agentls-test--push (or offered 'offered) (car item)))
                 (when on-chosen (funcall on-chosen))
                 title)))
      (eglot-code-actions beg end nil t))))

;; The agent's question comes as window/showMessageRequest: eglot's own handler asks
;; with `completing-read', answered here with Dismiss (M-x agentls-answer replies later).
(advice-add 'eglot-handle-request :around
            (lambda (orig server method &rest params)
              (if (not (eq method 'window/showMessageRequest))
                  (apply orig server method params)
                (agentls-test--push 'questions (plist-get params :message))
                (cl-letf (((symbol-function 'completing-read)
                           (lambda (&rest _) "Dismiss")))
                  (apply orig server method params)))))

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

(defun agentls-test--review (scenario)
  "After the run: Revert, Undo or M-x agentls-refine at $AGENTLS_TEST_REVIEW_LINE, or
M-x agentls-answer to the question the run asked."
  (if (equal scenario "answer")
      (progn
        (agentls-test--wait "the question" 20
                            (lambda () (alist-get 'questions agentls-test-report)))
        (agentls-test--step "question asked")
        (agentls-test--goto-line-containing (getenv "AGENTLS_TEST_TODO"))
        (agentls-test--ask #'agentls-answer)
        (agentls-test--wait-edits 1))
    (agentls-test--wait-edits 1)
    (save-some-buffers t)
    (agentls-test--step "implemented")
    (agentls-test--goto-line-containing (getenv "AGENTLS_TEST_REVIEW_LINE"))
    (if (equal scenario "refine")
        (agentls-test--ask #'agentls-refine)
      (agentls-test--choose-action (getenv "AGENTLS_TEST_REVIEW_ACTION")
                                   (point) (line-end-position) nil 'offered_review))
    (agentls-test--step "review chosen")
    (agentls-test--wait-edits 2))
  (agentls-test--step "edit applied")
  (let ((deadline (+ (float-time) 0.3))) ; an edit arriving now would be a bug
    (while (< (float-time) deadline) (accept-process-output nil 0.05)))
  (agentls-test--set 'buffer (buffer-substring-no-properties (point-min) (point-max))))

(defun agentls-test--hover (text)
  (agentls-test--goto-line-containing text)
  (skip-chars-forward " \t")
  (forward-char 1)
  (let* ((answer (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                  (eglot--TextDocumentPositionParams)))
         (contents (plist-get answer :contents)))
    (cond ((stringp contents) contents)
          ((plist-get contents :value))
          ((vectorp contents)
           (mapconcat (lambda (c) (if (stringp c) c (plist-get c :value))) contents "\n"))
          (t ""))))

(defun agentls-test--scenario ()
  (let ((scenario (getenv "AGENTLS_TEST_SCENARIO"))
        (action (or (getenv "AGENTLS_TEST_ACTION") "Implement backend")))
    (find-file (getenv "AGENTLS_TEST_FILE"))
    (apply #'eglot--connect (eglot--guess-contact)) ; eglot-ensure never connects in batch
    (agentls-test--wait "eglot to connect" 15 #'eglot-current-server)
    (agentls-test--step "attached")
    (agentls-test--goto-line-containing (getenv "AGENTLS_TEST_TODO"))
    (let ((beg (point)) (end (line-end-position)) (started (float-time))
          (buffer (current-buffer)))
      (condition-case err
          (agentls-test--choose-action
           action beg end
           (when (equal scenario "cancel")
             ;; eglot waits for the executeCommand answer: cancel meanwhile, once the
             ;; model has the request.
             (lambda ()
               (agentls-test--when-model-asked
                (lambda ()
                  (agentls-test--step "cancel sent")
                  (with-current-buffer buffer (agentls-cancel)))))))
        (error (agentls-test--set 'command_error (error-message-string err))))
      (agentls-test--set 'command_seconds (- (float-time) started))
      (agentls-test--step "action chosen")
      (cond
       ((member scenario '("revert" "undo" "refine" "answer"))
        (agentls-test--review scenario))
       ((equal scenario "cancel")
        ;; The command may be answered at once or when the run ends: either way
        ;; the cancel goes out once the model has the request.
        (agentls-test--wait "the cancel" 10
                            (lambda () (member "cancel sent"
                                               (alist-get 'steps agentls-test-report))))
        (let ((deadline (+ (float-time) 1.5))) ; an edit arriving now would be a bug
          (while (< (float-time) deadline) (accept-process-output nil 0.05))))
       (t
        (agentls-test--wait "workspace/applyEdit" 20
                            (lambda () (alist-get 'apply_edits agentls-test-report)))
        (agentls-test--step "edit applied"))))
    (save-some-buffers t)
    (agentls-test--step "written")
    (let ((hover-line (getenv "AGENTLS_TEST_HOVER_LINE")))
      (when hover-line
        (agentls-test--set 'hover (agentls-test--hover hover-line))
        (agentls-test--step "hovered")))
    (agentls-test--set 'capabilities_progress
                       (and (plist-get (plist-get (eglot-client-capabilities (eglot-current-server))
                                                  :window)
                                       :workDoneProgress)
                            t))))

(condition-case err
    (agentls-test--scenario)
  (error (agentls-test--set 'error (error-message-string err))))
(ignore-errors (eglot-shutdown (eglot-current-server)))
(agentls-test-write-report-and-exit)
;;; scenario-eglot.el ends here
