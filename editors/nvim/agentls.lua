-- agentls for Neovim 0.7 to 0.10 (no plugin needed).
-- Save as ~/.config/nvim/plugin/agentls.lua; `agentls` must be on PATH.
-- Provider and keys come from the environment (AGENTLS_PROVIDER, OPENAI_API_KEY, ...)
-- or from the `settings` table below.
local settings = {
  agentls = {
    edit_format = 'auto',
    -- provider = 'openai', model = 'gpt-4.1-mini',
  },
}

local root_markers = { '.agentls.yaml', '.git', 'pyproject.toml', 'package.json', 'go.mod' }

-- The nearest folder above `path` holding a root marker, else the file's own folder.
local function find_root(path)
  local start = vim.fn.fnamemodify(path, ':p:h')
  local best
  for _, marker in ipairs(root_markers) do
    local hit = vim.fn.finddir(marker, start .. ';')
    if hit == '' then
      hit = vim.fn.findfile(marker, start .. ';')
    end
    if hit ~= '' then
      local dir = vim.fn.fnamemodify(hit, ':p:h')
      if marker == '.git' then
        dir = vim.fn.fnamemodify(hit, ':p:h:h')
      end
      if not best or #dir > #best then
        best = dir
      end
    end
  end
  return best or start
end

local client_for_root = {}

local function attach(bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local root = find_root(path)
  local config = {
    name = 'agentls',
    cmd = { 'agentls', 'serve' },
    root_dir = root,
    settings = settings,
  }
  if vim.lsp.start then -- 0.8+: reuses a running client for the same root
    vim.lsp.start(config, { bufnr = bufnr })
    return
  end
  local id = client_for_root[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    client_for_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

local group = vim.api.nvim_create_augroup('agentls', { clear = true })
vim.api.nvim_create_autocmd('FileType', {
  group = group,
  callback = function(args)
    attach(args.buf)
  end,
})
-- Agents may create files in new folders: create the folder when writing.
vim.api.nvim_create_autocmd('BufWritePre', {
  group = group,
  callback = function(args)
    vim.fn.mkdir(vim.fn.fnamemodify(args.file, ':p:h'), 'p')
  end,
})
