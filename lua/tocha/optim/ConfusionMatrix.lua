--- optim.ConfusionMatrix(nclasses | classes): counts (target, prediction)
-- pairs as Torch7's.  mat[t][p] counts samples of class t predicted as p;
-- updateValids() computes per-class accuracy (valids: the diagonal over the
-- row sums), intersection-over-union (unionvalids), their averages over the
-- classes that have samples (averageValid, averageUnionValid) and the
-- global accuracy (totalValid).  Classes without samples get NaN in
-- valids and are left out of the averages; an empty matrix has
-- totalValid 0.  Targets <= 0 count as missing and are skipped (Torch7).
local tocha = require "tocha"
local utils = require "tocha.utils"

local ConfusionMatrix = tocha.class("optim.ConfusionMatrix")

-- depth: how many helper calls lie between the method and this call.
local function fail(fname, arg, msg, depth)
  error(string.format("bad argument #%d to '%s' (%s)", arg, fname, msg), 3 + (depth or 0))
end

--- ConfusionMatrix(nclasses [, classes]) or ConfusionMatrix(classes), where
-- classes is a list of class names.
function ConfusionMatrix:__init(nclasses, classes)
  if type(nclasses) == "table" then
    classes = nclasses
    nclasses = #classes
    if nclasses == 0 then fail("ConfusionMatrix", 1, "the list of classes is empty", 1) end
  end
  local given = nclasses
  nclasses = utils.integer(nclasses)
  if nclasses == nil or nclasses < 1 then
    fail("ConfusionMatrix", 1, "number of classes (integer >= 1) or list of class names expected, got " ..
      tostring(given), 1)
  end
  if classes ~= nil then
    if type(classes) ~= "table" then fail("ConfusionMatrix", 2, "list of class names expected", 1) end
    if #classes ~= 0 and #classes ~= nclasses then
      fail("ConfusionMatrix", 2, string.format("%d class names for %d classes", #classes, nclasses), 1)
    end
  end
  self.mat = tocha.LongTensor(nclasses, nclasses):zero()
  self.valids = tocha.FloatTensor(nclasses):zero()
  self.unionvalids = tocha.FloatTensor(nclasses):zero()
  self.nclasses = nclasses
  self.totalValid = 0
  self.averageValid = 0
  self.averageUnionValid = 0
  self.classes = classes or {}
end

-- A class index from a number (an integral float is fine); targets may
-- also be <= 0 (missing).
local function class_index(self, v, fname, arg, what, target)
  local i = utils.integer(v)
  if i == nil or i > self.nclasses or (i < 1 and not target) then
    fail(fname, arg, string.format("%s (%s) is not a class index in 1..%d%s", what, tostring(v), self.nclasses,
      target and " (or <= 0 for a missing target)" or ""), 1)
  end
  return i
end

-- The index of the largest entry of a list (the first one on ties).
local function argmax(list)
  local best, besti = -math.huge, 1
  for i = 1, #list do
    if list[i] > best then best, besti = list[i], i end
  end
  return besti
end

local function vector_class(self, v, fname, arg, what)
  if v:dim() ~= 1 then
    fail(fname, arg, string.format("%s must be a class index or a vector of %d scores, got a %dD tensor", what,
      self.nclasses, v:dim()), 1)
  end
  if v:nElement() ~= self.nclasses then
    fail(fname, arg, string.format("%s has %d scores for %d classes", what, v:nElement(), self.nclasses), 1)
  end
  return argmax(v:totable())
end

local function count(self, t, p, n)
  if t < 1 then return end
  local mat = self.mat
  mat[{ t, p }] = mat[{ t, p }] + (n or 1)
end

--- add(prediction, target): prediction is a class index or a vector of
-- scores (its argmax counts); target a class index or a one-hot vector.
function ConfusionMatrix:add(prediction, target)
  local p, t
  if type(prediction) == "number" then
    p = class_index(self, prediction, "add", 1, "prediction")
  elseif tocha.isTensor(prediction) then
    p = vector_class(self, prediction, "add", 1, "prediction")
  else
    fail("add", 1, "prediction must be a class index or a tensor of scores, got " .. type(prediction))
  end
  if type(target) == "number" then
    t = class_index(self, target, "add", 2, "target", true)
  elseif tocha.isTensor(target) then
    t = vector_class(self, target, "add", 2, "target")
  else
    fail("add", 2, "target must be a class index or a one-hot tensor, got " .. type(target))
  end
  count(self, t, p)
  return self
end

-- Class indices of a batch: a vector of indices, or an n x nclasses matrix
-- of scores (argmax of each row), or an n x 1 matrix of indices.
local function batch_classes(self, v, arg, what)
  if not tocha.isTensor(v) then fail("batchAdd", arg, what .. " must be a tensor, got " .. type(v), 1) end
  if v:dim() == 1 then return v:totable() end
  if v:dim() == 2 and v:size(2) == 1 then return v:contiguous():view(-1):totable() end
  if v:dim() == 2 then
    if v:size(2) ~= self.nclasses then
      fail("batchAdd", arg, string.format("%s has %d scores per row for %d classes", what, v:size(2),
        self.nclasses), 1)
    end
    local _, idx = v:max(2)
    return idx:view(-1):totable()
  end
  fail("batchAdd", arg, string.format("%s must be a vector of class indices or a matrix of scores, got a %dD tensor",
    what, v:dim()), 1)
end

--- batchAdd(predictions, targets): a batch at once (see batch_classes).
function ConfusionMatrix:batchAdd(predictions, targets)
  local preds = batch_classes(self, predictions, 1, "predictions")
  local targs = batch_classes(self, targets, 2, "targets")
  if #preds ~= #targs then
    fail("batchAdd", 2, string.format("%d targets for %d predictions", #targs, #preds))
  end
  -- Check everything first, then count (an error leaves the matrix as it was).
  local n, tally = self.nclasses, {}
  for i = 1, #preds do
    local p = class_index(self, preds[i], "batchAdd", 1, "prediction " .. i, false)
    local t = class_index(self, targs[i], "batchAdd", 2, "target " .. i, true)
    if t >= 1 then
      local key = (t - 1) * n + p
      tally[key] = (tally[key] or 0) + 1
    end
  end
  for key, c in pairs(tally) do
    count(self, (key - 1) // n + 1, (key - 1) % n + 1, c)
  end
  return self
end

--- Clears the counts and the accuracies.
function ConfusionMatrix:zero()
  self.mat:zero()
  self.valids:zero()
  self.unionvalids:zero()
  self.totalValid = 0
  self.averageValid = 0
  self.averageUnionValid = 0
  return self
end

--- Computes valids, unionvalids, totalValid, averageValid, averageUnionValid.
function ConfusionMatrix:updateValids()
  local n, m = self.nclasses, self.mat:totable()
  local colsum, total, correct = {}, 0, 0
  for p = 1, n do colsum[p] = 0 end
  for t = 1, n do
    for p = 1, n do colsum[p] = colsum[p] + m[t][p] end
  end
  local sum_valid, nvalid, sum_union, nunion = 0, 0, 0, 0
  for t = 1, n do
    local row = 0
    for p = 1, n do row = row + m[t][p] end
    local diag = m[t][t]
    total = total + row
    correct = correct + diag
    local valid = row > 0 and diag / row or 0 / 0
    local union = row + colsum[t] - diag
    local uvalid = union > 0 and diag / union or 0 / 0
    self.valids[t] = valid
    self.unionvalids[t] = uvalid
    if valid == valid then
      sum_valid, nvalid = sum_valid + valid, nvalid + 1
      if uvalid == uvalid then sum_union, nunion = sum_union + uvalid, nunion + 1 end
    end
  end
  self.totalValid = total > 0 and correct / total or 0
  self.averageValid = nvalid > 0 and sum_valid / nvalid or 0
  self.averageUnionValid = nunion > 0 and sum_union / nunion or 0
  return self
end

--- Torch7's layout: the matrix rows with each class's accuracy, then the
-- averages and the global accuracy.
function ConfusionMatrix:__tostring__()
  self:updateValids()
  local n, m = self.nclasses, self.mat:totable()
  local maxcount = 0
  for t = 1, n do
    for p = 1, n do maxcount = math.max(maxcount, m[t][p]) end
  end
  local width = math.max(8, #tostring(maxcount) + 1)
  local cell = "%" .. width .. "d"
  local lines = { "ConfusionMatrix:" }
  for t = 1, n do
    local cells = {}
    for p = 1, n do cells[p] = string.format(cell, m[t][p]) end
    local valid = self.valids[t]
    local pct = valid == valid and string.format("%.3f%%", valid * 100) or "   n/a "
    local open = t == 1 and "[[" or " ["
    local close = t == n and "]]" or "] "
    local line = open .. table.concat(cells) .. close .. "  " .. pct
    if self.classes[1] ~= nil then line = line .. "\t[class: " .. tostring(self.classes[t] or "") .. "]" end
    lines[#lines + 1] = line
  end
  lines[#lines + 1] = string.format(" + average row correct: %.3f%%", self.averageValid * 100)
  lines[#lines + 1] = string.format(" + average rowUcol correct (VOC measure): %.3f%%", self.averageUnionValid * 100)
  lines[#lines + 1] = string.format(" + global correct: %.3f%%", self.totalValid * 100)
  return table.concat(lines, "\n")
end

--- False rejection and false acceptance rates, as Torch7's farFrr():
-- returns classFrrs, classFars (one entry per class, -1 for a class with
-- no samples) and frrs, fars (the same for the classes that have samples
-- only, in class order).  For class i with samples: FRR = 1 - mat[i][i] /
-- (samples of i); FAR = the mean, over the other classes j with samples,
-- of the fraction of j's samples predicted as i.
function ConfusionMatrix:farFrr()
  local mat = self.mat
  local n = self.nclasses
  local rows = {}
  for i = 1, n do
    local s = 0
    for j = 1, n do s = s + mat[i][j] end
    rows[i] = s
  end
  local classFrrs = tocha.DoubleTensor(n):fill(-1)
  local classFars = tocha.DoubleTensor(n):fill(-1)
  local frrs, fars = {}, {}
  for i = 1, n do
    if rows[i] ~= 0 then
      local frr = 1 - mat[i][i] / rows[i]
      local num, others = 0, 0
      for j = 1, n do
        if j ~= i and rows[j] ~= 0 then
          num = num + mat[j][i] / rows[j]
          others = others + 1
        end
      end
      local far = others > 0 and num / others or 0
      classFrrs[i], classFars[i] = frr, far
      frrs[#frrs + 1], fars[#fars + 1] = frr, far
    end
  end
  local function tensor(list) return #list > 0 and tocha.DoubleTensor(list) or tocha.DoubleTensor() end
  return classFrrs, classFars, tensor(frrs), tensor(fars)
end

return ConfusionMatrix
