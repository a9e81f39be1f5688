--- nn.Concat(dimension): every child gets the same input; their outputs are
-- joined along `dimension` (Torch7's nn.Concat).
local tocha = require "tocha"
local utils = require "tocha.utils"

local Concat, parent = tocha.class("nn.Concat", "nn.Container")

function Concat:__init(dimension)
  parent.__init(self)
  self.dimension = utils.checkinteger(dimension, "nn.Concat", "dimension", 1)
  self.outputSize = {}
end

local shape = require("tocha.utils").shape

--- Checks child i's output `out` against the first child's and adds it to
-- `size`, the size of the outputs joined along `dim` (shared with
-- nn.Parallel; errors name the container).  Returns the first output.
function Concat.join_size(name, size, dim, i, out, first)
  if i == 1 then
    if out:dim() < dim then
      error(string.format("%s: cannot join along dimension %d: output of module 1 has size %s", name, dim,
        shape(out)), 0)
    end
    for d = 1, out:dim() do size[d] = out:size(d) end
    for d = out:dim() + 1, #size do size[d] = nil end
    return out
  end
  local ok = out:dim() == first:dim()
  for d = 1, first:dim() do
    if ok and d ~= dim and out:size(d) ~= first:size(d) then ok = false end
  end
  if not ok then
    error(string.format("%s: output of module %d has size %s, which does not fit module 1's size %s "
      .. "outside dimension %d", name, i, shape(out), shape(first), dim), 0)
  end
  size[dim] = size[dim] + out:size(dim)
  return first
end

function Concat:updateOutput(input)
  local dim, size = self.dimension, self.outputSize
  local first
  for i, module in ipairs(self.modules) do
    local out = self:rethrowErrors(module, i, "updateOutput", input)
    first = Concat.join_size("nn.Concat", size, dim, i, out, first)
  end
  if #self.modules == 0 then return self.output end
  self.output:resize(size)
  local offset = 1
  for _, module in ipairs(self.modules) do
    local out = module.output
    local n = out:size(dim)
    self.output:narrow(dim, offset, n):copy(out)
    offset = offset + n
  end
  return self.output
end

function Concat:updateGradInput(input, gradOutput)
  local dim, offset = self.dimension, 1
  local started = false
  for i, module in ipairs(self.modules) do
    local n = module.output:size(dim)
    local gradInput = self:rethrowErrors(module, i, "updateGradInput", input, gradOutput:narrow(dim, offset, n))
    if gradInput then -- a module may produce none (e.g. a first layer)
      if not started then
        self.gradInput:resizeAs(gradInput):copy(gradInput)
        started = true
      else
        self.gradInput:add(gradInput)
      end
    end
    offset = offset + n
  end
  return self.gradInput
end

function Concat:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local dim, offset = self.dimension, 1
  for i, module in ipairs(self.modules) do
    local n = module.output:size(dim)
    self:rethrowErrors(module, i, "accGradParameters", input, gradOutput:narrow(dim, offset, n), scale)
    offset = offset + n
  end
end

function Concat:backward(input, gradOutput, scale)
  scale = scale or 1
  local dim, offset = self.dimension, 1
  local started = false
  for i, module in ipairs(self.modules) do
    local n = module.output:size(dim)
    local gradInput = self:rethrowErrors(module, i, "backward", input, gradOutput:narrow(dim, offset, n), scale)
    if gradInput then
      if not started then
        self.gradInput:resizeAs(gradInput):copy(gradInput)
        started = true
      else
        self.gradInput:add(gradInput)
      end
    end
    offset = offset + n
  end
  return self.gradInput
end

--- Torch7's layout for containers whose children run side by side.
function Concat.branches_tostring(self)
  local lines = { self.__typename .. " {", "  input" }
  for i, m in ipairs(self.modules) do
    local last = i == #self.modules
    local text = tostring(m):gsub("\n", last and "\n         " or "\n    |    ")
    lines[#lines + 1] = string.format("%s(%d): %s", last and "     `-> " or "    |`-> ", i, text)
  end
  lines[#lines + 1] = "     ... -> output"
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n")
end

Concat.__tostring__ = Concat.branches_tostring

return Concat
