--- nn.ZipTable(): { {a1, a2}, {b1, b2} } becomes { {a1, b1}, {a2, b2} }
-- (the same tensors; Torch7's); backward zips gradOutput back.
local tocha = require "tocha"
local TableUtil = require "tocha.nn.TableUtil"

local ZipTable, parent = tocha.class("nn.ZipTable", "nn.Module")
local NAME = "nn.ZipTable"

function ZipTable:__init()
  parent.__init(self)
  self.output = {}
  self.gradInput = {}
end

local function zip(t, what)
  TableUtil.check(NAME, what, t)
  local out = {}
  for i, inner in ipairs(t) do
    TableUtil.check(NAME, what .. "[" .. i .. "]", inner)
    for j, v in ipairs(inner) do
      out[j] = out[j] or {}
      out[j][i] = v
    end
  end
  return out
end

function ZipTable:updateOutput(input)
  self.output = zip(input, "input")
  return self.output
end

function ZipTable:updateGradInput(input, gradOutput)
  self.gradInput = zip(gradOutput, "gradOutput")
  return self.gradInput
end

return ZipTable
