-- agentls for Neovim 0.11+ (no plugin needed).
-- Save as ~/.config/nvim/plugin/agentls.lua; `agentls` must be on PATH.
-- Provider and keys come from the environment (AGENTLS_PROVIDER, OPENAI_API_KEY, ...)
-- or from `settings` below. No `filetypes`: agentls serves every file.
vim.lsp.config('agentls', {
  cmd = { 'agentls', 'serve' },
  root_markers = { '.agentls.yaml', '.git', 'pyproject.toml', 'package.json', 'go.mod' },
  settings = {
    agentls = {
      edit_format = 'auto',
    -- provider = 'openai', model = 'gpt-4.1-mini',
    },
  },
})
vim.lsp.enable('agentls')

-- Agents may create files in new folders: create the folder when writing.
vim.api.nvim_create_autocmd('BufWritePre', {
  group = vim.api.nvim_create_augroup('agentls', { clear = true }),
  callback = function(args)
    vim.fn.mkdir(vim.fn.fnamemodify(args.file, ':p:h'), 'p')
  end,
})
