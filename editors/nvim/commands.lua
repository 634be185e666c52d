-- :AgentlsRefine  asks what should change in the generated code under the cursor, then
--                 continues that run's conversation (the code action Refine…, with words).
-- :AgentlsAnswer  asks for your answer to the agent's newest question and sends it.
-- Both read your words with vim.ui.input (a UI plugin that replaces it works too), or take
-- them as arguments: `:AgentlsRefine make it async`. Works with any of the agentls setups
-- (0.7+). Save as ~/.config/nvim/plugin/agentls-commands.lua.
local function agentls_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr)) -- Neovim 0.7-0.9
  for _, client in ipairs(clients) do
    if client.name == 'agentls' then
      return client
    end
  end
end

-- 0.11 wants client:request(), older versions client.request().
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function notify(message, level)
  vim.notify('agentls: ' .. message, level or vim.log.levels.INFO)
end

-- The newest question an agent asked (a result with status "question"), per client.
local questions = {}

local function remember(result, ctx)
  if type(result) == 'table' and result.status == 'question' and result.runId then
    questions[ctx.client_id] =
      { runId = result.runId, question = result.question, agent = result.agent }
  end
end

-- Commands that code actions run (Implement backend, Answer…) answer through this
-- handler: watch it for questions.
local execute_command_handler = vim.lsp.handlers['workspace/executeCommand']
vim.lsp.handlers['workspace/executeCommand'] = function(err, result, ctx, config)
  remember(result, ctx)
  if execute_command_handler then
    return execute_command_handler(err, result, ctx, config)
  end
end

local function execute(client, bufnr, command, argument)
  request(client, 'workspace/executeCommand', {
    command = command,
    arguments = { argument },
  }, function(err, result, ctx)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
      return
    end
    remember(result, ctx)
  end, bufnr)
end

-- Calls on_found(argument, action) with the agentls code action of `kind` at the
-- cursor (its command's argument), or on_found(nil) when there is none.
local function action_at_cursor(client, bufnr, kind, on_found)
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { kind } }
  request(client, 'textDocument/codeAction', params, function(err, actions)
    if err then
      notify(err.message or tostring(err), vim.log.levels.ERROR)
      return
    end
    for _, action in ipairs(actions or {}) do
      local command = action.command
      if action.kind == kind and type(command) == 'table' and command.arguments then
        on_found(vim.deepcopy(command.arguments[1]), action)
        return
      end
    end
    on_found(nil)
  end, bufnr)
end

-- Words given to the command, else asked for with vim.ui.input; nil when cancelled.
local function with_words(given, input_opts, on_words)
  if given and given ~= '' then
    on_words(given)
    return
  end
  vim.ui.input(input_opts, function(words)
    if words and vim.trim(words) ~= '' then
      on_words(words)
    end
  end)
end

-- The agentls client of the current buffer (and the buffer), or nil with a warning.
local function attached()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = agentls_client(bufnr)
  if not client then
    notify('not attached to this buffer', vim.log.levels.WARN)
  end
  return client, bufnr
end

local function refine(opts)
  local client, bufnr = attached()
  if not client then
    return
  end
  action_at_cursor(client, bufnr, 'refactor.agentls.refine', function(argument)
    if not argument then
      notify('no generated code under the cursor to refine', vim.log.levels.WARN)
      return
    end
    -- On code under an `agentls:` comment, the comment's words come first.
    local input_opts = {
      prompt = string.format("Refine %s's change: ", argument.agent or 'the agent'),
      default = argument.instruction,
    }
    with_words(opts and opts.args, input_opts, function(instruction)
      argument.instruction = instruction
      execute(client, bufnr, 'agentls.refine', argument)
    end)
  end)
end

local function answer(opts)
  local client, bufnr = attached()
  if not client then
    return
  end
  -- The server knows which questions in this file still wait; else the newest seen.
  action_at_cursor(client, bufnr, 'refactor.agentls.answer', function(argument)
    local asked = questions[client.id]
    if not argument and asked then
      argument = { runId = asked.runId, agent = asked.agent, question = asked.question }
    end
    if not argument then
      notify('no question is waiting for an answer', vim.log.levels.WARN)
      return
    end
    local remembered = asked and asked.runId == argument.runId
    local prompt = 'Your answer: '
    if argument.question then
      local question = vim.trim((argument.question:gsub('%s+', ' ')))
      prompt = string.format('%s asks: %s Your answer: ', argument.agent or 'the agent', question)
    end
    with_words(opts and opts.args, { prompt = prompt, default = argument.text }, function(text)
      argument.text = text
      if remembered then
        questions[client.id] = nil
      end
      execute(client, bufnr, 'agentls.reply', argument)
    end)
  end)
end

vim.api.nvim_create_user_command('AgentlsRefine', refine, {
  nargs = '*',
  desc = 'agentls: refine the generated code under the cursor',
})
vim.api.nvim_create_user_command('AgentlsAnswer', answer, {
  nargs = '*',
  desc = "agentls: answer the agent's question",
})

return { refine = refine, answer = answer }
