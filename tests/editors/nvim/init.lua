-- Minimal init for the headless Neovim tests: the shipped snippet, then the scenario.
vim.g.loaded_python3_provider = 0
vim.g.loaded_node_provider = 0
vim.g.loaded_perl_provider = 0
vim.g.loaded_ruby_provider = 0
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'

local rtp = os.getenv('AGENTLS_TEST_RTP')
if rtp and rtp ~= '' then
  vim.opt.runtimepath:append(rtp)
end
for _, snippet in ipairs(vim.split(os.getenv('AGENTLS_TEST_SNIPPETS') or '', ',', { trimempty = true })) do
  dofile(snippet)
end
dofile(os.getenv('AGENTLS_TEST_DIR') .. '/nvim/scenario.lua')
