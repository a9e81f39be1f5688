--- nn.MM([transA [, transB]]): the matrix product of a pair {A, B}
-- (Torch7's): (n x k) * (k x m), or a batch (b x n x k) * (b x k x m);
-- transA / transB take A or B transposed first.
local tocha = require "tocha"
local utils = require "tocha.utils"

local MM, parent = tocha.class("nn.MM", "nn.Module")

function MM:__init(transA, transB)
  parent.__init(self)
  self.transA = transA == true
  self.transB = transB == true
  self.gradInput = { tocha.Tensor(), tocha.Tensor() }
end

-- A and B as they enter the product (transposed views when asked).
local function operands(self, input)
  if type(input) ~= "table" or tocha.isTensor(input) or #input ~= 2 then
    error("nn.MM: input must be a table {A, B} of two tensors, got " .. tocha.type(input), 3)
  end
  local a, b = input[1], input[2]
  if not tocha.isTensor(a) or not tocha.isTensor(b) then error("nn.MM: A and B must be tensors", 3) end
  if a:dim() ~= b:dim() or (a:dim() ~= 2 and a:dim() ~= 3) then
    error(string.format("nn.MM: A and B must both be matrices or both batches of them, got %s and %s",
      utils.shape(a), utils.shape(b)), 3)
  end
  local d = a:dim()
  if self.transA then a = a:transpose(d - 1, d) end
  if self.transB then b = b:transpose(d - 1, d) end
  if a:size(d) ~= b:size(d - 1) or (d == 3 and a:size(1) ~= b:size(1)) then
    error(string.format("nn.MM: sizes %s and %s do not make a product", utils.shape(a), utils.shape(b)), 3)
  end
  return a, b, d
end

function MM:updateOutput(input)
  local a, b, d = operands(self, input)
  if tocha.type(self.output) ~= tocha.type(a) then self.output = a.new() end
  if d == 2 then
    self.output:resize(a:size(1), b:size(2)):mm(a, b)
  else
    self.output:resize(a:size(1), a:size(2), b:size(3)):bmm(a, b)
  end
  return self.output
end

function MM:updateGradInput(input, gradOutput)
  local a, b, d = operands(self, input)
  for i = 1, 2 do
    if tocha.type(self.gradInput[i]) ~= tocha.type(input[i]) then self.gradInput[i] = input[i].new() end
    self.gradInput[i]:resizeAs(input[i])
  end
  local ga, gb = self.gradInput[1], self.gradInput[2]
  local function t(x) return x:transpose(d - 1, d) end
  local product = d == 2 and "mm" or "bmm"
  -- C = A B: dC/dA = G B^T, dC/dB = A^T G (written transposed when the
  -- input was)
  if self.transA then t(ga)[product](t(ga), gradOutput, t(b)) else ga[product](ga, gradOutput, t(b)) end
  if self.transB then t(gb)[product](t(gb), t(a), gradOutput) else gb[product](gb, t(a), gradOutput) end
  return self.gradInput
end

return MM
