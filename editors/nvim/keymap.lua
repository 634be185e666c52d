-- <leader>ai: ask for an instruction, then run an agent on the selection (or line).
-- <leader>ac: cancel every agentls run. Works with any of the agentls setups (0.7+).
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

-- Zero-based LSP range of the visual selection, or of the cursor line.
local function current_range(bufnr, visual)
  local first, last
  if visual then
    first, last = vim.fn.line('v'), vim.fn.line('.')
    if first > last then
      first, last = last, first
    end
  else
    first = vim.fn.line('.')
    last = first
  end
  local last_text = vim.api.nvim_buf_get_lines(bufnr, last - 1, last, false)[1] or ''
  return {
    start = { line = first - 1, character = 0 },
    ['end'] = { line = last - 1, character = #last_text },
  }
end

local function run_agent(opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local client = agentls_client(bufnr)
  if not client then
    vim.notify('agentls is not attached to this buffer', vim.log.levels.WARN)
    return
  end
  local range = current_range(bufnr, opts.visual)
  vim.ui.input({ prompt = 'Instruction for the agent: ' }, function(instruction)
    if instruction == nil then
      return -- cancelled
    end
    local argument = {
      agent = opts.agent or 'backend-developer',
      scope = opts.scope or 'selection',
      uri = vim.uri_from_bufnr(bufnr),
      range = range,
    }
    if instruction ~= '' then
      argument.instruction = instruction
    end
    request(client, 'workspace/executeCommand', {
      command = 'agentls.runAgent',
      arguments = { argument },
    }, function(err)
      if err then
        vim.notify('agentls: ' .. (err.message or tostring(err)), vim.log.levels.ERROR)
      end
    end, bufnr)
  end)
end

local function cancel_runs()
  local client = agentls_client(vim.api.nvim_get_current_buf())
  if client then
    request(client, 'workspace/executeCommand', { command = 'agentls.cancel' }, function() end)
  end
end

vim.keymap.set('n', '<leader>ai', function()
  run_agent({})
end, { desc = 'agentls: run agent on line' })
vim.keymap.set('x', '<leader>ai', function()
  run_agent({ visual = true })
end, { desc = 'agentls: run agent on selection' })

vim.keymap.set('n', '<leader>ac', cancel_runs, { desc = 'agentls: cancel runs' })

return { run_agent = run_agent, cancel_runs = cancel_runs }
