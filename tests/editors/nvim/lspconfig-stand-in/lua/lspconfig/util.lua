-- Stand-in for nvim-lspconfig's `lspconfig.util.root_pattern(...)`.
local util = {}

function util.root_pattern(...)
  local markers = { ... }
  return function(fname)
    local dir = vim.fn.fnamemodify(fname, ':p:h')
    while true do
      for _, marker in ipairs(markers) do
        if vim.fn.glob(dir .. '/' .. marker) ~= '' then
          return dir
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        return nil
      end
      dir = parent
    end
  end
end

return util
