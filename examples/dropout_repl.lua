-- Dropout by hand: the forward and backward pass of nn.Dropout shown step
-- by step, as you would explore it in the REPL (lua5.4 -i -l tocha).
--   lua5.4 examples/dropout_repl.lua
local tocha = require "tocha"
local nn = require "tocha.nn"

tocha.manualSeed(42)
local p = 0.5
local dropout = nn.Dropout(p)
print(dropout)

local input = tocha.Tensor({ { 1, 2, 3, 4 }, { 5, 6, 7, 8 } })
print("input:")
print(input)

-- Training mode: each unit is kept with probability 1 - p ...
local output = dropout:forward(input)
print("mask (1 = kept; cached as 1 bit per unit, " .. dropout.maskBits:nElement() .. " byte(s) here):")
print(dropout:mask())
-- ... and survivors are scaled by 1/(1-p), so the expected output equals the input.
print(("output = input * mask / (1 - p) = input * mask * %g:"):format(1 / (1 - p)))
print(output)

-- Backward lets the gradient through exactly where the unit was kept.
local gradOutput = tocha.ones(2, 4)
print("gradInput = gradOutput * mask / (1 - p), for gradOutput = ones:")
print(dropout:backward(input, gradOutput))

-- The same computation by hand, from the mask:
local by_hand = input:clone():cmul(dropout:mask():float()):div(1 - p)
print("by hand, max difference from the module's output: " .. (by_hand - output):abs():max())

-- Evaluate mode: the identity.
dropout:evaluate()
print("evaluate mode, output:")
print(dropout:forward(input))
