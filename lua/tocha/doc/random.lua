--- Random numbers: the global generator, tocha.Generator, sampling (the C binding, src/binding/lua_random.c,
-- lua_sampling.c).
-- The fill methods replace x's elements and return x; the tocha.f(sizes...)
-- forms make a new tensor of the default type. An optional first argument
-- `gen` (a tocha.Generator) draws from that generator instead of the global one.
-- This file holds LDoc stubs for the functions written in C; it is not code to load.
-- @module tocha.random
-- @usage tocha.manualSeed(1); x = tocha.randn(3, 4)
local Tensor = {}
local tocha = {}

--- x:uniform([a [, b]]): uniform on [a, b) (default [0, 1)).
function Tensor:uniform(a, b) end
--- x:normal([mean [, stdv]]): normal (default mean 0, stdv 1).
function Tensor:normal(mean, stdv) end
--- x:bernoulli([p]): 1 with probability p (default 0.5; a tensor of probabilities too), else 0.
function Tensor:bernoulli(p) end
--- x:exponential(lambda): exponential with rate lambda.
function Tensor:exponential(lambda) end
--- x:cauchy([median [, sigma]]): Cauchy (default 0, 1).
function Tensor:cauchy(median, sigma) end
--- x:logNormal([mean [, stdv]]): log-normal (the normal's mean and stdv, default 1, 2).
function Tensor:logNormal(mean, stdv) end
--- x:geometric(p): geometric on 1, 2, ... with success probability p.
function Tensor:geometric(p) end
--- x:random() integers in the type's range; x:random(b) in [1, b]; x:random(a, b) in [a, b].
function Tensor:random(a, b) end
--- tocha.rand(sizes...): uniform on [0, 1).
function Tensor:rand(...) end
--- tocha.randn(sizes...): standard normal.
function Tensor:randn(...) end
--- tocha.multinomial(p, n [, replacement]): n indices drawn from the (unnormalised) distribution p (per row for a
-- matrix).
function Tensor:multinomial(n, replacement) end
--- tocha.randperm(n): a random permutation of 1..n (a LongTensor).
function tocha.randperm(n) end
--- tocha.multinomialAliasSetup(p) -> J, q: Walker's alias tables for drawing from p.
function tocha.multinomialAliasSetup(p) end
--- tocha.multinomialAlias(J, q, out): fills out with draws using the alias tables.
function tocha.multinomialAlias(J, q, out) end
--- Seeds the global generator (or gen) with seed.
function tocha.manualSeed(seed) end
--- Seeds the global generator from the clock; returns the seed.
function tocha.seed() end
--- The seed the global generator (or gen) started from.
function tocha.initialSeed() end
--- The state of the global generator (or gen), a ByteTensor.
function tocha.getRNGState() end
--- Restores a state from getRNGState.
function tocha.setRNGState(state) end
--- tocha.Generator(): a new random generator, independent of the global one (Torch7's torch.Generator).
function tocha.Generator() end

return { Tensor = Tensor, tocha = tocha }
