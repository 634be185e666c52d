-- Stand-in for nvim-lspconfig's top module: `require('lspconfig').NAME.setup(opts)`.
local configs = require('lspconfig.configs')
return setmetatable({}, {
  __index = function(_, name)
    return rawget(configs, name)
  end,
})
