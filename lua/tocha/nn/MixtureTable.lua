--- nn.MixtureTable([dim]): a mixture of experts (Torch7's).  input is
-- {gater, experts}: gater a vector of n weights or a batch (batch, n);
-- experts a table of n tensors, or one tensor holding the n experts along
-- dim.  The output is sum_i gater[i] * expert_i.  dim defaults to 1 for a
-- vector gater and 2 for a batch (and, as in Torch7, is then kept).
local tocha = require "tocha"
local utils = require "tocha.utils"
local TableUtil = require "tocha.nn.TableUtil"

local MixtureTable, parent = tocha.class("nn.MixtureTable", "nn.Module")
local NAME = "nn.MixtureTable"

function MixtureTable:__init(dim)
  parent.__init(self)
  if dim ~= nil then self.dim = utils.checkinteger(dim, NAME, "dim", 1) end
  self.gradInput = {}
end

-- gater, experts, the gater's expert dimension (dimG) and the gater
-- viewed to broadcast over the experts.
local function prepare(self, input)
  TableUtil.check(NAME, "input", input, 2)
  local gater, experts = input[1], input[2]
  if not tocha.isTensor(gater) or gater:dim() < 1 or gater:dim() > 2 then
    error(string.format("%s: the gater must be a vector or a matrix (batch, experts), got %s", NAME,
      tocha.isTensor(gater) and utils.shape(gater) or tocha.type(gater)), 3)
  end
  local dimG = gater:dim() < 2 and 1 or 2
  self.dim = self.dim or dimG
  local n = gater:size(dimG)
  local ndim
  if TableUtil.is_table(experts) then
    if #experts ~= n then
      error(string.format("%s: one gater output per expert: %d and %d", NAME, n, #experts), 3)
    end
    for i, e in ipairs(experts) do
      if not tocha.isTensor(e) or not e:isSameSizeAs(experts[1]) then
        error(string.format("%s: expert %d must be a tensor shaped like expert 1", NAME, i), 3)
      end
    end
    ndim = experts[1]:dim() + 1
  elseif tocha.isTensor(experts) then
    if self.dim > experts:dim() or experts:size(self.dim) ~= n then
      error(string.format("%s: the experts tensor (%s) must hold %d experts along dimension %d", NAME,
        utils.shape(experts), n, self.dim), 3)
    end
    ndim = experts:dim()
  else
    error(string.format("%s: experts must be a table or a tensor, got %s", NAME, tocha.type(experts)), 3)
  end
  local size = {}
  for i = 1, ndim do size[i] = 1 end
  if dimG > 1 then size[1] = gater:size(1) end
  size[self.dim] = n
  return gater, experts, dimG, gater:contiguous():view(tocha.LongStorage(size))
end

function MixtureTable:updateOutput(input)
  local _, experts, _, gv = prepare(self, input)
  if TableUtil.is_table(experts) then
    local out = utils.like(self, "output", experts[1]):zero()
    for i, e in ipairs(experts) do out:addcmul(e, gv:select(self.dim, i):expandAs(e)) end
  else
    local s = experts:clone():cmul(gv:expandAs(experts)):sum(self.dim):select(self.dim, 1)
    utils.like(self, "output", s):copy(s)
  end
  return self.output
end

function MixtureTable:updateGradInput(input, gradOutput)
  local gater, experts, dimG, gv = prepare(self, input)
  local gg = utils.like(self.gradInput, 1, gater)
  if TableUtil.is_table(experts) then
    if not TableUtil.is_table(self.gradInput[2]) then self.gradInput[2] = {} end
    local list = self.gradInput[2]
    for i, e in ipairs(experts) do
      local prod = gradOutput:clone():cmul(e)
      if dimG == 1 then
        gg[i] = prod:sum()
      else
        gg:select(2, i):copy(prod:view(gater:size(1), prod:nElement() // gater:size(1)):sum(2):select(2, 1))
      end
      utils.like(list, i, e):copy(gradOutput):cmul(gv:select(self.dim, i):expandAs(e))
    end
    TableUtil.truncate(list, #experts)
  else
    local size = experts:size():totable()
    size[self.dim] = 1
    local go = gradOutput:contiguous():view(tocha.LongStorage(size)):expandAs(experts)
    local prod = experts:clone():cmul(go):transpose(self.dim, dimG):contiguous()
    if dimG == 1 then
      gg:copy(prod:view(gater:size(1), prod:nElement() // gater:size(1)):sum(2):select(2, 1))
    else
      gg:copy(prod:view(gater:size(1), gater:size(2), prod:nElement() // gater:nElement()):sum(3):select(3, 1))
    end
    utils.like(self.gradInput, 2, experts):copy(go):cmul(gv:expandAs(experts))
  end
  return self.gradInput
end

return MixtureTable
