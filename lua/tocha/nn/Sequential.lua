--- nn.Sequential: children applied one after the other.
local tocha = require "tocha"
local utils = require "tocha.utils"

local Sequential, parent = tocha.class("nn.Sequential", "nn.Container")

function Sequential:__init()
  parent.__init(self)
end

--- Inserts module at index (default: at the end); returns self.
function Sequential:insert(module, index)
  local given = index or (#self.modules + 1)
  index = utils.integer(given)
  if index == nil or index < 1 or index > #self.modules + 1 then
    error(string.format("bad argument #2 to 'insert' (index %s out of range 1..%d)", tostring(given),
      #self.modules + 1), 2)
  end
  table.insert(self.modules, index, module)
  self.output = self.modules[#self.modules].output
  self.gradInput = self.modules[1].gradInput
  return self
end

--- Removes and returns the module at index (default: the last).
function Sequential:remove(index)
  local given = index or #self.modules
  index = utils.integer(given)
  if index == nil or index < 1 or index > #self.modules then
    error(string.format("bad argument #1 to 'remove' (index %s out of range 1..%d)", tostring(given),
      #self.modules), 2)
  end
  local removed = table.remove(self.modules, index)
  if #self.modules > 0 then
    self.output = self.modules[#self.modules].output
    self.gradInput = self.modules[1].gradInput
  else
    self.output, self.gradInput = tocha.Tensor(), tocha.Tensor()
  end
  return removed
end

function Sequential:updateOutput(input)
  local current = input
  for i, m in ipairs(self.modules) do
    current = self:rethrowErrors(m, i, "updateOutput", current)
  end
  self.output = current
  return current
end

function Sequential:updateGradInput(input, gradOutput)
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    local previous = self.modules[i - 1]
    current = self:rethrowErrors(self.modules[i], i, "updateGradInput", previous.output, current)
  end
  if #self.modules > 0 then
    current = self:rethrowErrors(self.modules[1], 1, "updateGradInput", input, current)
  end
  self.gradInput = current
  return current
end

function Sequential:accGradParameters(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    local m, previous = self.modules[i], self.modules[i - 1]
    self:rethrowErrors(m, i, "accGradParameters", previous.output, current, scale)
    current = m.gradInput
  end
  if #self.modules > 0 then
    self:rethrowErrors(self.modules[1], 1, "accGradParameters", input, current, scale)
  end
end

function Sequential:backward(input, gradOutput, scale)
  scale = scale or 1
  local current = gradOutput
  for i = #self.modules, 2, -1 do
    local previous = self.modules[i - 1]
    current = self:rethrowErrors(self.modules[i], i, "backward", previous.output, current, scale)
  end
  if #self.modules > 0 then
    current = self:rethrowErrors(self.modules[1], 1, "backward", input, current, scale)
  end
  self.gradInput = current
  return current
end

function Sequential:__tostring__()
  local lines = { self.__typename .. " {" }
  local chain = { "input" }
  for i = 1, #self.modules do chain[#chain + 1] = "(" .. i .. ")" end
  chain[#chain + 1] = "output"
  lines[2] = "  [" .. table.concat(chain, " -> ") .. "]"
  for i, m in ipairs(self.modules) do
    local text = tostring(m):gsub("\n", "\n  ")
    lines[#lines + 1] = string.format("  (%d): %s", i, text)
  end
  lines[#lines + 1] = "}"
  return table.concat(lines, "\n")
end

return Sequential
