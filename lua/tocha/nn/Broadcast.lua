--- Torch7's rule for a parameter tensor p applied element-wise to an input
-- x (nn.CMul, nn.CAdd): with as many elements, element by element; with as
-- many dimensions, p's dimensions of size 1 repeat; otherwise x is a batch
-- (its first dimension) of p-sized samples.
local utils = require "tocha.utils"
local Loss = require "tocha.nn.Loss"

local Broadcast = {}

-- "same", "expand" or "batch", or an error naming the module.
local function mode(name, p, x)
  Loss.tensor(name, "input", x, 5)
  if p:nElement() == x:nElement() then return "same" end
  if p:dim() == x:dim() then
    for i = 1, x:dim() do
      if p:size(i) ~= x:size(i) and p:size(i) ~= 1 then
        error(string.format("%s: a parameter of size %s does not expand to an input of size %s", name,
          utils.shape(p), utils.shape(x)), 4)
      end
    end
    return "expand"
  end
  if x:dim() < 1 or x:nElement() ~= x:size(1) * p:nElement() then
    error(string.format("%s: an input of size %s is neither a sample nor a batch of samples of size %s", name,
      utils.shape(x), utils.shape(p)), 4)
  end
  return "batch"
end

--- x (as a view) and p expanded to it.
function Broadcast.views(name, p, x)
  local m = mode(name, p, x)
  if m == "same" then return x, p:contiguous():viewAs(x) end
  if m == "expand" then return x, p:expandAs(x) end
  local xv = x:contiguous():view(x:size(1), p:nElement())
  return xv, p:contiguous():view(1, p:nElement()):expandAs(xv)
end

--- Adds scale * g (shaped like x's view from Broadcast.views) into gp,
-- summed over the repeated dimensions.
function Broadcast.accumulate(name, gp, x, g, scale)
  local m = mode(name, gp, x)
  if m == "expand" then
    for i = 1, x:dim() do
      if gp:size(i) == 1 and x:size(i) ~= 1 then g = g:sum(i) end
    end
  elseif m == "batch" then
    g = g:sum(1)
  end
  gp:add(scale or 1, g:contiguous():viewAs(gp))
end

return Broadcast
