--- nn.DepthConcat(dimension): nn.Concat whose children's outputs may differ
-- in size outside `dimension`: the output takes the largest size in each
-- such dimension and every child's output sits centred in it, zero-padded
-- (start floor((size - childSize) / 2) + 1; Torch7's, for Inception-style
-- branches of different spatial sizes).
local tocha = require "tocha"
local Loss = require "tocha.nn.Loss"

local DepthConcat = tocha.class("nn.DepthConcat", "nn.Concat")

--- The window of t (output-sized) where an output `out` starting at
-- `offset` along the dimension goes.
function DepthConcat:windowNarrow(t, out, offset)
  local window = t:narrow(self.dimension, offset, out:size(self.dimension))
  for d = 1, out:dim() do
    local n = out:size(d)
    if d ~= self.dimension and self.outputSize[d] ~= n then
      window = window:narrow(d, (self.outputSize[d] - n) // 2 + 1, n)
    end
  end
  return window
end

function DepthConcat:updateOutput(input)
  local dim, size = self.dimension, self.outputSize
  local first
  for i, module in ipairs(self.modules) do
    local out = Loss.tensor("nn.DepthConcat", string.format("the output of module %d", i),
      self:rethrowErrors(module, i, "updateOutput", input), 3)
    if i == 1 then
      if out:dim() < dim then
        error(string.format("nn.DepthConcat: cannot join along dimension %d: output of module 1 has %d dimensions",
          dim, out:dim()), 0)
      end
      first = out
      for d = 1, out:dim() do size[d] = out:size(d) end
      for d = out:dim() + 1, #size do size[d] = nil end
    else
      if out:dim() ~= first:dim() then
        error(string.format("nn.DepthConcat: output of module %d has %d dimensions, module 1's %d", i, out:dim(),
          first:dim()), 0)
      end
      size[dim] = size[dim] + out:size(dim)
      for d = 1, out:dim() do
        if d ~= dim then size[d] = math.max(size[d], out:size(d)) end
      end
    end
  end
  if #self.modules == 0 then return self.output end
  self.output:resize(tocha.LongStorage(size)):zero()
  local offset = 1
  for _, module in ipairs(self.modules) do
    local out = module.output
    self:windowNarrow(self.output, out, offset):copy(out)
    offset = offset + out:size(dim)
  end
  return self.output
end

-- Runs method on each child with its window of gradOutput; sums gradInputs
-- when the method returns them.
local function each_child(self, method, input, gradOutput, scale)
  local offset, started = 1, false
  for i, module in ipairs(self.modules) do
    local out = module.output
    local g = self:windowNarrow(gradOutput, out, offset)
    local gi = self:rethrowErrors(module, i, method, input, g, scale)
    if method ~= "accGradParameters" and gi then
      if not started then
        self.gradInput:resizeAs(gi):copy(gi)
        started = true
      else
        self.gradInput:add(gi)
      end
    end
    offset = offset + out:size(self.dimension)
  end
  return self.gradInput
end

function DepthConcat:updateGradInput(input, gradOutput)
  return each_child(self, "updateGradInput", input, gradOutput)
end

function DepthConcat:accGradParameters(input, gradOutput, scale)
  each_child(self, "accGradParameters", input, gradOutput, scale or 1)
end

function DepthConcat:backward(input, gradOutput, scale)
  return each_child(self, "backward", input, gradOutput, scale or 1)
end

return DepthConcat
