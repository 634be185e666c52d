-- agentls with nvim-lspconfig (any Neovim that lspconfig supports).
-- agentls is not in lspconfig's list, so register it once, then set it up.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.agentls then
  configs.agentls = {
    default_config = {
      cmd = { 'agentls', 'serve' },
      filetypes = { 'python', 'javascript', 'typescript', 'go', 'rust', 'lua', 'markdown' },
      root_dir = function(fname)
        return util.root_pattern('.agentls.yaml', '.git', 'pyproject.toml', 'package.json')(fname)
          or vim.fn.fnamemodify(fname, ':p:h')
      end,
      settings = { agentls = { edit_format = 'auto' } },
    },
  }
end

require('lspconfig').agentls.setup({
  settings = {
    agentls = {
      edit_format = 'auto',
      -- provider = 'openai', model = 'gpt-4.1-mini',
    },
  },
})
