-- A short tour of tocha's tensors: run with
--   lua5.4 examples/tensor_demo.lua     (after `bash .ci/build`, see README)
local tocha = require "tocha"

local x = tocha.Tensor({ { 1, 2, 3 }, { 4, 5, 6 } })
print("x =")
print(x)

print("x:t() is a view: same storage, swapped strides")
print(x:t())

local middle = x:narrow(2, 2, 1)
middle:fill(0)
print("after x:narrow(2, 2, 1):fill(0), x is")
print(x)

print("x[{2, {1, 2}}] =")
print(x[{ 2, { 1, 2 } }])

print("a 2x2x3 tensor viewed from range(1, 12):")
print(tocha.range(1, 12):view(2, 2, 3))
