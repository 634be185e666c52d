-- Headless scenario driver. Reads AGENTLS_TEST_* variables, drives Neovim's own LSP
-- client and writes what it saw as JSON for the pytest side to check.
local env = {
  scenario = os.getenv('AGENTLS_TEST_SCENARIO'),
  file = os.getenv('AGENTLS_TEST_FILE'),
  result = os.getenv('AGENTLS_TEST_RESULT'),
  todo = os.getenv('AGENTLS_TEST_TODO'),
  hover_line = os.getenv('AGENTLS_TEST_HOVER_LINE'),
  action = os.getenv('AGENTLS_TEST_ACTION') or 'Implement backend',
  instruction = os.getenv('AGENTLS_TEST_INSTRUCTION'),
  keymap = os.getenv('AGENTLS_TEST_KEYMAP'),
  model_port = tonumber(os.getenv('AGENTLS_TEST_MODEL_PORT') or '0'),
  review_line = os.getenv('AGENTLS_TEST_REVIEW_LINE'),
  review_action = os.getenv('AGENTLS_TEST_REVIEW_ACTION'),
  typed_line = os.getenv('AGENTLS_TEST_TYPED_LINE'), -- the user types at its end...
  typed = os.getenv('AGENTLS_TEST_TYPED'), -- ...this, before the review
  comment_above = os.getenv('AGENTLS_TEST_COMMENT_ABOVE'), -- a line the user adds...
  comment = os.getenv('AGENTLS_TEST_COMMENT'), -- ...above the line containing this
  answer_in = os.getenv('AGENTLS_TEST_ANSWER_IN'), -- :AgentlsAnswer in a window on this file
  timeout = tonumber(os.getenv('AGENTLS_TEST_TIMEOUT_MS') or '20000'),
}

local result = {
  nvim = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch,
  steps = {},
  offered = {},
  progress = {},
  apply_edits = {},
  messages = {},
  shown = {},
  hover = nil,
  offered_review = {},
  command_results = {},
  questions = {},
  input_prompts = {},
  buffers = {},
  error = nil,
  lsp_log = vim.lsp.get_log_path(),
}

local function step(name)
  table.insert(result.steps, name)
end

local function wait_for(what, ms, predicate)
  if not vim.wait(ms, predicate, 20) then
    error('timed out waiting for ' .. what, 0)
  end
end

-- Record what the server sends, then let Neovim's own handlers do their job.
local function record_handlers()
  local handlers = vim.lsp.handlers
  local original_progress = handlers['$/progress']
  handlers['$/progress'] = function(err, params, ctx, config)
    local value = params and params.value or {}
    table.insert(result.progress, { kind = value.kind, title = value.title, message = value.message })
    if original_progress then
      return original_progress(err, params, ctx, config)
    end
  end
  local original_apply = handlers['workspace/applyEdit']
  handlers['workspace/applyEdit'] = function(err, params, ctx, config)
    local answer = original_apply(err, params, ctx, config)
    table.insert(result.apply_edits, { label = params.label, applied = answer and answer.applied })
    return answer
  end
  local original_show = handlers['window/showMessage']
  handlers['window/showMessage'] = function(err, params, ctx, config)
    table.insert(result.shown, { type = params.type, message = params.message })
    return original_show(err, params, ctx, config)
  end
  -- Commands run by code actions answer through this handler (the commands snippet
  -- wraps it too: this wrapper calls the snippet's).
  local original_command = handlers['workspace/executeCommand']
  handlers['workspace/executeCommand'] = function(err, command_result, ctx, config)
    table.insert(result.command_results, command_result or vim.NIL)
    if original_command then
      return original_command(err, command_result, ctx, config)
    end
  end
  -- The agent's question: recorded and dismissed (answered later with :AgentlsAnswer).
  handlers['window/showMessageRequest'] = function(_, params)
    table.insert(result.questions, params.message)
    for _, action in ipairs(params.actions or {}) do
      if action.title == 'Dismiss' then
        return action
      end
    end
    return vim.NIL
  end
  vim.notify = function(msg, level)
    table.insert(result.messages, { type = level, message = tostring(msg) })
  end
end

local function agentls_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, client in ipairs(clients) do
    if client.name == 'agentls' then
      return client
    end
  end
end

local function client_request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

-- How many requests the scripted model has received (GET /_requests over plain TCP).
local function model_request_count()
  local done, body = false, ''
  local tcp = vim.loop.new_tcp()
  tcp:connect('127.0.0.1', env.model_port, function(err)
    if err then
      done = true
      return
    end
    tcp:write('GET /_requests HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n')
    tcp:read_start(function(_, chunk)
      if chunk then
        body = body .. chunk
      else
        tcp:close()
        done = true
      end
    end)
  end)
  vim.wait(2000, function()
    return done
  end, 10)
  local ok, requests = pcall(vim.fn.json_decode, body:match('\r\n\r\n(.*)$') or '[]')
  return ok and #requests or 0
end

local function find_line(bufnr, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(text, 1, true) then
      return i, line
    end
  end
  error('no line containing ' .. text, 0)
end

-- Choose the action titled `title` (default env.action) through Neovim's own
-- code-action UI, noting every title offered in `offered` (default result.offered).
local function run_code_action(row, line, title, offered)
  title = title or env.action
  offered = offered or result.offered
  if vim.fn.has('nvim-0.11') == 1 then
    vim.lsp.buf.code_action({
      range = { start = { row, 0 }, ['end'] = { row, #line } },
      filter = function(action)
        table.insert(offered, action.title)
        return action.title == title
      end,
      apply = true,
    })
    return
  end
  vim.ui.select = function(items, _, on_choice)
    local chosen
    for _, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(offered, action.title)
      if action.title == title then
        chosen = item
      end
    end
    on_choice(chosen)
  end
  vim.lsp.buf.range_code_action(nil, { row, 0 }, { row, #line })
end

local function progress_kinds()
  local kinds = {}
  for _, p in ipairs(result.progress) do
    kinds[p.kind] = true
  end
  return kinds
end

local function hover_text(bufnr, row)
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = row - 1, character = #line:match('^%s*') + 1 },
  }
  local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 5000) or {}
  local texts = {}
  for _, answer in pairs(answers) do
    local contents = answer.result and answer.result.contents
    if type(contents) == 'table' then
      if contents.value then
        table.insert(texts, contents.value)
      else
        for _, part in ipairs(contents) do
          table.insert(texts, type(part) == 'table' and part.value or part)
        end
      end
    elseif type(contents) == 'string' then
      table.insert(texts, contents)
    end
  end
  return table.concat(texts, '\n')
end

local function wait_for_edits(count)
  wait_for(count .. ' workspace/applyEdit', env.timeout, function()
    return #result.apply_edits >= count
  end)
end

-- vim.ui.input, the commands snippet's documented extension point, answers env.instruction.
local function answer_inputs()
  vim.ui.input = function(opts, on_confirm)
    table.insert(result.input_prompts, { prompt = opts.prompt, default = opts.default })
    on_confirm(env.instruction)
  end
end

-- Every loaded buffer with a file, as workspace-relative name -> text.
local function loaded_buffers()
  local root = vim.fn.getcwd() .. '/'
  local buffers = {}
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(buf)
    if vim.api.nvim_buf_is_loaded(buf) and name ~= '' then
      local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
      local text = table.concat(lines, '\n') .. (vim.bo[buf].eol and '\n' or '')
      buffers[name:sub(1, #root) == root and name:sub(#root + 1) or name] = text
    end
  end
  return buffers
end

-- Review and iterate on an applied run: Revert one hunk, Undo the run, :AgentlsRefine;
-- or answer the agent's question with :AgentlsAnswer.
local function review_scenario(bufnr, row, line)
  answer_inputs()
  run_code_action(row, line)
  step('action chosen')
  if env.scenario == 'answer' then
    wait_for('the question', env.timeout, function()
      for _, r in ipairs(result.command_results) do
        if type(r) == 'table' and r.status == 'question' then
          return #result.questions > 0
        end
      end
      return false
    end)
    step('question asked')
    if env.answer_in then -- no Answer action there: the question the snippet saw counts
      vim.cmd('split ' .. vim.fn.fnameescape(env.answer_in))
      local other = vim.api.nvim_get_current_buf()
      wait_for('agentls to attach to ' .. env.answer_in, 15000, function()
        return agentls_client(other) ~= nil
      end)
      step('in another file')
    end
    vim.cmd('AgentlsAnswer')
    wait_for_edits(1)
    step('edit applied')
  else
    wait_for_edits(1)
    vim.cmd('silent wall')
    step('implemented')
    if env.typed then
      local typed_row, typed_line = find_line(bufnr, env.typed_line)
      vim.api.nvim_buf_set_lines(bufnr, typed_row - 1, typed_row, false, { typed_line .. env.typed })
      vim.cmd('silent wall')
      step('user typed')
    end
    if env.comment then
      local comment_row = find_line(bufnr, env.comment_above)
      vim.api.nvim_buf_set_lines(bufnr, comment_row - 1, comment_row - 1, false, { env.comment })
      step('user commented')
    end
    local review_row, review_line = find_line(bufnr, env.review_line)
    vim.api.nvim_win_set_cursor(0, { review_row, 0 })
    if env.scenario == 'refine' then
      vim.cmd('AgentlsRefine')
      step('review chosen')
      wait_for_edits(2)
    else
      run_code_action(review_row, review_line, env.review_action, result.offered_review)
      step('review chosen')
      -- Revert and Undo answer when done (an Undo that only deletes sends no edit here:
      -- Neovim does not announce documentChanges, so agentls deletes on disk).
      wait_for('the review command', env.timeout, function()
        return #result.command_results >= 2
      end)
    end
    step('review applied')
  end
  vim.wait(300) -- the command's answer; an edit arriving now would be a bug
  vim.cmd('silent wall')
  step('written')
  result.buffers = loaded_buffers()
end

local function scenario()
  record_handlers()
  vim.cmd('edit ' .. vim.fn.fnameescape(env.file))
  local bufnr = vim.api.nvim_get_current_buf()
  wait_for('agentls to attach', 15000, function()
    local client = agentls_client(bufnr)
    return client ~= nil and client.initialized == true
  end)
  step('attached')
  local client = agentls_client(bufnr)
  result.server_name = client.server_info and client.server_info.name
  local row, line = find_line(bufnr, env.todo)
  vim.api.nvim_win_set_cursor(0, { row, 0 })

  if env.review_line or env.scenario == 'answer' then -- with editors/nvim/commands.lua
    return review_scenario(bufnr, row, line)
  end

  local request_id
  if env.scenario == 'cancel-request' then
    -- The command a code action would run, sent directly so its request id is known.
    local argument = {
      agent = 'backend-developer',
      scope = 'selection',
      uri = vim.uri_from_bufnr(bufnr),
      range = { start = { line = row - 1, character = 0 }, ['end'] = { line = row - 1, character = #line } },
    }
    local _
    _, request_id = client_request(client, 'workspace/executeCommand', {
      command = 'agentls.runAgent',
      arguments = { argument },
    }, function(err)
      result.command_error = err and (err.message or tostring(err.code)) or nil
    end, bufnr)
  elseif env.scenario == 'keymap' then
    local keymap = dofile(env.keymap)
    vim.ui.input = function(_, on_confirm)
      on_confirm(env.instruction)
    end
    keymap.run_agent({})
  else
    run_code_action(row, line)
  end
  step('action chosen')

  if env.scenario == 'cancel' or env.scenario == 'cancel-request' then
    wait_for('the run to start', 10000, function()
      return progress_kinds().begin
    end)
    step('run started')
    wait_for('the model to receive the request', 10000, function()
      return model_request_count() > 0
    end)
    step('model asked')
    if request_id then -- $/cancelRequest for the executeCommand request itself
      if vim.fn.has('nvim-0.11') == 1 then
        client:cancel_request(request_id)
      else
        client.cancel_request(request_id)
      end
    else
      dofile(env.keymap).cancel_runs() -- the shipped <leader>ac
    end
    wait_for('progress end after cancel', 10000, function()
      return progress_kinds()['end']
    end)
    step('cancelled')
    vim.wait(1500) -- an edit arriving now would be a bug
  else
    if env.scenario == 'edit-during-run' then
      wait_for('the model to receive the request', 10000, function()
        return model_request_count() > 0
      end)
      -- The user types while the agent runs: the edit must land on the new text.
      vim.api.nvim_buf_set_lines(bufnr, 1, 1, false, { os.getenv('AGENTLS_TEST_USER_LINE') })
      step('user edited')
    end
    wait_for('workspace/applyEdit or a message', env.timeout, function()
      return #result.apply_edits > 0 or #result.shown > 0
    end)
    step(#result.apply_edits > 0 and 'edit applied' or 'message shown')
    vim.wait(200, function()
      return progress_kinds()['end']
    end)
  end

  vim.cmd('silent wall')
  step('written')
  if env.hover_line then
    local hover_row = find_line(bufnr, env.hover_line)
    result.hover = hover_text(bufnr, hover_row)
    step('hovered')
  end
end

local function finish()
  local ok, err = pcall(scenario)
  if not ok then
    result.error = tostring(err)
  end
  vim.fn.writefile({ vim.fn.json_encode(result) }, env.result)
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', { nested = true, once = true, callback = finish })
