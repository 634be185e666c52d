;;; common.el --- shared helpers for the headless Emacs scenarios  -*- lexical-binding: t -*-
;; A JSON report in `agentls-test-report', waits, prompt stubs and the model poll.

(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa") ; Debian's elpa-*
(package-initialize)
(require 'json)
(require 'cl-lib)
(require 'url)

(defvar agentls-test-report
  (list (cons 'emacs emacs-version) (cons 'steps nil) (cons 'offered nil)
        (cons 'notifications nil) (cons 'apply_edits nil) (cons 'messages nil)))

(defun agentls-test--push (key value)
  (setf (alist-get key agentls-test-report) (append (alist-get key agentls-test-report) (list value))))

(defun agentls-test--set (key value)
  (setf (alist-get key agentls-test-report) value))

(defun agentls-test--step (name) (agentls-test--push 'steps name))

(defun agentls-test--wait (what seconds predicate)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate) (error "timed out waiting for %s" what))))

;; Batch mode has no stdin: answer prompts, never block.
(fset 'y-or-n-p (lambda (&rest _) t))
(fset 'yes-or-no-p (lambda (&rest _) t))
(defun agentls-test--when-model-asked (fn)
  "Call FN once the scripted model has received a request. Polls without blocking:
a blocking wait inside a timer would be unwound by eglot's own pending requests."
  (url-retrieve
   (format "http://127.0.0.1:%s/_requests" (getenv "AGENTLS_TEST_MODEL_PORT"))
   (lambda (_status)
     (goto-char (point-min))
     (re-search-forward "\r?\n\r?\n" nil t)
     (if (> (length (json-read)) 0)
         (funcall fn)
       (run-at-time 0.1 nil #'agentls-test--when-model-asked fn)))
   nil t))

(defun agentls-test--goto-line-containing (text)
  (goto-char (point-min))
  (unless (search-forward text nil t) (error "no line containing %s" text))
  (beginning-of-line))

(defun agentls-test-write-report-and-exit ()
  (with-temp-file (getenv "AGENTLS_TEST_RESULT")
    (insert (json-encode agentls-test-report)))
  (kill-emacs 0))

;;; common.el ends here
