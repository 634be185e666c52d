-- Stand-in for nvim-lspconfig's `lspconfig.configs` (the plugin is not packaged for
-- Debian 12). Only the API the shipped snippet uses: assigning
-- `configs.NAME = { default_config = {...} }` registers a server with a `setup`.
local configs = {}

local function start(config, bufnr)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  config.root_dir = config.root_dir(fname)
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  configs._clients = configs._clients or {}
  local id = configs._clients[config.root_dir] or vim.lsp.start_client(config)
  configs._clients[config.root_dir] = id
  vim.lsp.buf_attach_client(bufnr, id)
end

return setmetatable(configs, {
  __newindex = function(t, name, spec)
    spec.name = name
    spec.setup = function(opts)
      local config = vim.tbl_deep_extend('force', spec.default_config, opts or {})
      config.name = name
      vim.api.nvim_create_autocmd('FileType', {
        pattern = config.filetypes,
        callback = function(args)
          start(vim.deepcopy(config), args.buf)
        end,
      })
    end
    rawset(t, name, spec)
  end,
})
