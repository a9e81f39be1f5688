-- Specs for lua/tocha/print.lua (Torch7-style tensor printing).
-- Run from the repository root: lua5.4 /usr/bin/busted spec/print_spec.lua
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path

local P = require("tocha.print")

-- A minimal pure-Lua tensor over a nested table, implementing only the
-- interface print.lua relies on.
local Fake = {}
Fake.__index = Fake

local function sizes_of(data, sizes)
   if type(data) == "table" then
      sizes[#sizes + 1] = #data
      if #data > 0 then
         sizes_of(data[1], sizes)
      end
   end
   return sizes
end

local function convert(data, conv)
   if type(data) ~= "table" then
      return conv(data)
   end
   local r = {}
   for i, v in ipairs(data) do
      r[i] = convert(v, conv)
   end
   return r
end

local function make(typename, data, select_count)
   local self = setmetatable({ tname = typename, data = data,
                               select_count = select_count }, Fake)
   self.sizes = data and sizes_of(data, {}) or {}
   return self
end

function Fake:dim() return #self.sizes end
function Fake:size(d) return self.sizes[d] end
function Fake:type() return self.tname end

function Fake:nElement()
   if #self.sizes == 0 then
      return 0
   end
   local n = 1
   for _, s in ipairs(self.sizes) do
      n = n * s
   end
   return n
end

function Fake:select(d, i)
   assert(d == 1, "fake tensor only selects along dim 1")
   if self.select_count then
      self.select_count[1] = self.select_count[1] + 1
   end
   return make(self.tname, self.data[i], self.select_count)
end

function Fake:totable()
   assert(#self.sizes == 1, "totable on a non 1-D fake tensor")
   local r = {}
   for i, v in ipairs(self.data) do
      r[i] = v
   end
   return r
end

-- Float/Double fakes hold Lua floats, Long/Byte fakes hold Lua integers,
-- like the C binding's totable().
local function tensor(typename, data)
   if data == nil then
      return make("tocha." .. typename .. "Tensor", nil)
   end
   local conv
   if typename == "Long" or typename == "Byte" then
      conv = function(v) return math.tointeger(v) end
   else
      conv = function(v) return v + 0.0 end
   end
   return make("tocha." .. typename .. "Tensor", convert(data, conv))
end

local function str(typename, data)
   return P.tensor_tostring(tensor(typename, data))
end

local function lines(...)
   return table.concat({ ... }, "\n") .. "\n"
end

local nan, inf = 0 / 0, math.huge

describe("tocha.print", function()
   describe("empty and 1-D tensors", function()
      it("prints an empty tensor as 'with no dimension'", function()
         assert.are.equal("[tocha.FloatTensor with no dimension]\n",
                          str("Float", nil))
         assert.are.equal("[tocha.LongTensor with no dimension]\n",
                          str("Long", nil))
      end)

      it("prints a 1-D integer-valued float tensor one value per line", function()
         assert.are.equal(lines(" 1", " 2", " 3",
                                "[tocha.FloatTensor of size 3]"),
                          str("Float", { 1, 2, 3 }))
      end)

      it("prints 1-D fractional values with 4 decimals", function()
         assert.are.equal(lines(" 3.1400", "-0.5000", " 2.0000",
                                "[tocha.DoubleTensor of size 3]"),
                          str("Double", { 3.14, -0.5, 2 }))
      end)

      it("prints a scale line for small 1-D values", function()
         assert.are.equal(lines("0.01 *", " 5.0000", " 2.0000",
                                "[tocha.DoubleTensor of size 2]"),
                          str("Double", { 0.05, 0.02 }))
      end)

      it("widens the column for values of 5 integer digits", function()
         assert.are.equal(lines(" 12345.6789", "     1.0000",
                                "[tocha.DoubleTensor of size 2]"),
                          str("Double", { 12345.6789, 1 }))
      end)
   end)

   describe("matrices", function()
      it("prints an integer-valued matrix with aligned columns", function()
         assert.are.equal(lines("  1   2   3", " 40  50  60",
                                "[tocha.DoubleTensor of size 2x3]"),
                          str("Double", { { 1, 2, 3 }, { 40, 50, 60 } }))
      end)

      it("prints zeros as integers", function()
         assert.are.equal(lines(" 0  0", " 0  0",
                                "[tocha.FloatTensor of size 2x2]"),
                          str("Float", { { 0, 0 }, { 0, 0 } }))
      end)

      it("prints negative integers with the sign in the reserved column", function()
         assert.are.equal(lines(" -1   2", "-10   3",
                                "[tocha.DoubleTensor of size 2x2]"),
                          str("Double", { { -1, 2 }, { -10, 3 } }))
      end)

      it("prints a fractional matrix with 4 decimals", function()
         assert.are.equal(lines(" 1.5000 -2.2500  0.1250",
                                " 3.0000  4.0000 -0.0010",
                                "[tocha.FloatTensor of size 2x3]"),
                          str("Float", { { 1.5, -2.25, 0.125 }, { 3, 4, -0.001 } }))
      end)

      it("prints a common scale factor for values around 1e-5", function()
         assert.are.equal(lines("1e-05 *",
                                "  1.5000 -2.2500",
                                "  3.0000  4.0000",
                                "[tocha.FloatTensor of size 2x2]"),
                          str("Float", { { 1.5e-5, -2.25e-5 }, { 3e-5, 4e-5 } }))
      end)

      it("prints a common scale factor for fractional values around 1e5", function()
         -- Torch7 prints the scale with %g: 1e5 shows as 100000, 1e6 as 1e+06
         assert.are.equal(lines("100000 *",
                                "  1.2346 -2.5000",
                                "  3.0000  0.5000",
                                "[tocha.DoubleTensor of size 2x2]"),
                          str("Double", { { 123456.7, -250000.5 }, { 300000.25, 50000 } }))
         assert.are.equal(lines("1e+06 *", " 1.5000", "-2.0000",
                                "[tocha.FloatTensor of size 2]"),
                          str("Float", { 1500000.5, -2000000 }))
      end)

      it("uses scientific notation when magnitudes span more than 4 decades", function()
         assert.are.equal(lines(" 1.0000e-03  1.0005e+03",
                                "-2.0000e+00  5.0000e-01",
                                "[tocha.DoubleTensor of size 2x2]"),
                          str("Double", { { 0.001, 1000.5 }, { -2, 0.5 } }))
      end)

      it("counts a zero as exponent 1 when choosing the format (Torch7 rule)", function()
         assert.are.equal(lines("    0.0010  1000.5000",
                                "   -2.0000     0.0000",
                                "[tocha.DoubleTensor of size 2x2]"),
                          str("Double", { { 0.001, 1000.5 }, { -2, 0 } }))
      end)

      it("uses scientific notation for integer values above 1e9", function()
         assert.are.equal(lines(" 1.0000e+10  1.0000e+00",
                                "[tocha.DoubleTensor of size 1x2]"),
                          str("Double", { { 1e10, 1 } }))
      end)

      it("wraps wide matrices at 80 characters with Columns headers", function()
         local data = { {}, {} }
         for i = 1, 12 do
            data[1][i] = i + 0.5
            data[2][i] = -i
         end
         assert.are.equal(lines(
            "Columns 1 to 8",
            "  1.5000   2.5000   3.5000   4.5000   5.5000   6.5000   7.5000   8.5000",
            " -1.0000  -2.0000  -3.0000  -4.0000  -5.0000  -6.0000  -7.0000  -8.0000",
            "",
            "Columns 9 to 12",
            "  9.5000  10.5000  11.5000  12.5000",
            " -9.0000 -10.0000 -11.0000 -12.0000",
            "[tocha.FloatTensor of size 2x12]"), str("Float", data))
      end)

      it("fits 20 two-digit integers per line and repeats the scale per chunk", function()
         local ints = { {} }
         for i = 1, 27 do ints[1][i] = i end
         assert.are.equal(lines(
            "Columns 1 to 20",
            "  1   2   3   4   5   6   7   8   9  10  11  12  13  14  15  16  17  18  19  20",
            "",
            "Columns 21 to 27",
            " 21  22  23  24  25  26  27",
            "[tocha.LongTensor of size 1x27]"), str("Long", ints))

         local small = { {} }
         for i = 1, 11 do small[1][i] = i * 1e-5 + 1e-6 end
         local s = str("Double", small)
         assert.are.equal(lines(
            "Columns 1 to 10",
            "0.0001 *",
            "  0.1100  0.2100  0.3100  0.4100  0.5100  0.6100  0.7100  0.8100  0.9100  1.0100",
            "",
            "Columns 11 to 11",
            "0.0001 *",
            "  1.1100",
            "[tocha.DoubleTensor of size 1x11]"), s)
         -- no data line is longer than 80 characters
         for line in s:gmatch("[^\n]+") do
            assert.is_true(#line <= 80)
         end
      end)
   end)

   describe("tensors above 2-D", function()
      it("prints each 2-D slice of a 3-D tensor under a header", function()
         assert.are.equal(lines(
            "(1,.,.) = ",
            "  1  2",
            "  3  4",
            "",
            "(2,.,.) = ",
            "  5  6",
            "  7  8",
            "[tocha.FloatTensor of size 2x2x2]"),
            str("Float", { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } }))
      end)

      it("uses one format for all slices", function()
         assert.are.equal(lines(
            "(1,.,.) = ",
            "    1    2",
            "",
            "(2,.,.) = ",
            "  300 -400",
            "[tocha.DoubleTensor of size 2x1x2]"),
            str("Double", { { { 1, 2 } }, { { 300, -400 } } }))
      end)

      it("indents the scale line and rows of scaled slices", function()
         assert.are.equal(lines(
            "(1,.,.) = ",
            " 1e-05 *",
            "   1.0000  2.0000",
            "",
            "(2,.,.) = ",
            " 1e-05 *",
            "   3.0000  4.0000",
            "[tocha.FloatTensor of size 2x1x2]"),
            str("Float", { { { 1e-5, 2e-5 } }, { { 3e-5, 4e-5 } } }))
      end)

      it("enumerates 4-D slices with the first index varying fastest, like Torch7", function()
         local data = {
            { { { 1, 2 } }, { { 3, 4 } } },
            { { { 5, 6 } }, { { 7, 8 } } },
         }
         assert.are.equal(lines(
            "(1,1,.,.) = ",
            "  1  2",
            "",
            "(2,1,.,.) = ",
            "  5  6",
            "",
            "(1,2,.,.) = ",
            "  3  4",
            "",
            "(2,2,.,.) = ",
            "  7  8",
            "[tocha.LongTensor of size 2x2x1x2]"), str("Long", data))
      end)

      it("wraps slices at 80 characters counting the indent", function()
         local row = {}
         for i = 1, 10 do row[i] = i + 0.5 end
         -- sz = 8 (values up to 10.5): (80 - 1) // 9 = 8 columns per line
         assert.are.equal(lines(
            "(1,.,.) = ",
            " Columns 1 to 8",
            "   1.5000   2.5000   3.5000   4.5000   5.5000   6.5000   7.5000   8.5000",
            "",
            " Columns 9 to 10",
            "   9.5000  10.5000",
            "[tocha.DoubleTensor of size 1x1x10]"), str("Double", { { row } }))
      end)
   end)

   describe("non-finite values", function()
      it("prints nan, inf and -inf next to integers", function()
         assert.are.equal(lines("   1", " nan", " inf", "-inf",
                                "[tocha.FloatTensor of size 4]"),
                          str("Float", { 1, nan, inf, -inf }))
      end)

      it("keeps the fixed-point format of the finite values", function()
         assert.are.equal(lines("    nan  0.5000", " 0.2500    -inf",
                                "[tocha.DoubleTensor of size 2x2]"),
                          str("Double", { { nan, 0.5 }, { 0.25, -inf } }))
      end)

      it("keeps the scale of the finite values", function()
         assert.are.equal(lines("1e-05 *", " 1.0000", "    inf",
                                "[tocha.DoubleTensor of size 2]"),
                          str("Double", { 1e-5, inf }))
      end)

      it("handles a tensor of only nan", function()
         assert.are.equal(lines("nan", "nan", "[tocha.FloatTensor of size 2]"),
                          str("Float", { nan, nan }))
      end)
   end)

   describe("integer tensor types", function()
      it("prints a LongTensor as integers", function()
         assert.are.equal(lines("  -7  123", "   0   42",
                                "[tocha.LongTensor of size 2x2]"),
                          str("Long", { { -7, 123 }, { 0, 42 } }))
      end)

      it("prints large and extreme Long values exactly", function()
         assert.are.equal(lines("-9223372036854775808", "         10000000000",
                                "[tocha.LongTensor of size 2]"),
                          str("Long", { math.mininteger, 10000000000 }))
      end)

      it("prints a ByteTensor as integers", function()
         assert.are.equal(lines("   0  255", "   7    8",
                                "[tocha.ByteTensor of size 2x2]"),
                          str("Byte", { { 0, 255 }, { 7, 8 } }))
      end)

      it("recognises integer type names", function()
         assert.is_true(P.is_integer_type("tocha.LongTensor"))
         assert.is_true(P.is_integer_type("tocha.ByteTensor"))
         assert.is_false(P.is_integer_type("tocha.FloatTensor"))
         assert.is_false(P.is_integer_type("tocha.DoubleTensor"))
      end)
   end)

   describe("large tensors", function()
      it("prints every element of a 400x400 matrix with one select per row when the threshold allows", function()
         local data = {}
         for i = 1, 400 do
            local row = {}
            for j = 1, 400 do
               row[j] = (i * 400 + j) / 7
            end
            data[i] = row
         end
         local count = { 0 }
         local t = make("tocha.DoubleTensor", data, count)
         -- (speed is measured in bench/, not asserted here)
         local previous = P.getprintoptions()
         P.setprintoptions{ threshold = math.huge }
         local s = P.tensor_tostring(t)
         P.setprintoptions(previous)
         assert.are.equal(400, count[1]) -- one select per row, no more
         local _, nvalues = s:gsub("%d%.%d%d%d%d", "")
         assert.are.equal(400 * 400, nvalues)
         assert.is_truthy(s:find("[tocha.DoubleTensor of size 400x400]\n", 1, true))
      end)
   end)

   describe("print options", function()
      local function matrix(n, m, f)
         local data = {}
         for i = 1, n do
            local row = {}
            for j = 1, m do row[j] = f(i, j) end
            data[i] = row
         end
         return data
      end
      after_each(function() P.setprintoptions("default") end)

      it("has Torch/numpy-like defaults", function()
         assert.are.same({ threshold = 1000, edgeitems = 3, precision = 4, linewidth = 80 },
                         P.getprintoptions())
      end)

      it("summarises a 200x200 matrix by default, selecting only the rows it shows", function()
         local count = { 0 }
         local t = make("tocha.FloatTensor", matrix(200, 200, function(i, j) return (i - 1) * 200 + j end), count)
         local s = P.tensor_tostring(t)
         local got = {}
         for line in s:gmatch("[^\n]*\n") do got[#got + 1] = line end
         assert.are.equal(6, count[1])
         -- 3 rows, "...", 3 rows, footer
         assert.are.equal(8, #got)
         assert.are.equal("...\n", got[4])
         local cells = {}
         for c in got[1]:gmatch("%S+") do cells[#cells + 1] = c end
         assert.are.same({ "1", "2", "3", "...", "198", "199", "200" }, cells)
         local last = {}
         for c in got[7]:gmatch("%S+") do last[#last + 1] = c end
         assert.are.same({ "39801", "39802", "39803", "...", "39998", "39999", "40000" }, last)
         assert.are.equal("[tocha.FloatTensor of size 200x200]\n", got[8])
         -- every line of values has the same width (the "..." cell is a column)
         assert.are.equal(#got[1], #got[7])
      end)

      it("prints a tensor at the threshold in full and one above it summarised", function()
         P.setprintoptions{ threshold = 6, edgeitems = 1 }
         local full = P.tensor_tostring(make("tocha.LongTensor", { 1, 2, 3, 4, 5, 6 }))
         assert.are.equal(" 1\n 2\n 3\n 4\n 5\n 6\n[tocha.LongTensor of size 6]\n", full)
         local short = P.tensor_tostring(make("tocha.LongTensor", { 1, 2, 3, 4, 5, 6, 7 }))
         assert.are.equal("  1\n...\n  7\n[tocha.LongTensor of size 7]\n", short)
      end)

      it("keeps short dimensions whole and marks skipped slices of a 3-D tensor", function()
         P.setprintoptions{ threshold = 10, edgeitems = 1 }
         local data = {}
         for k = 1, 3 do data[k] = matrix(2, 2, function(i, j) return k * 100 + i * 10 + j end) end
         local s = P.tensor_tostring(make("tocha.DoubleTensor", data))
         assert.are.equal(table.concat({
            "(1,.,.) = ", "  111  112", "  121  122", "",
            "...", "",
            "(3,.,.) = ", "  311  312", "  321  322",
            "[tocha.DoubleTensor of size 3x2x2]", "" }, "\n"), s)
      end)

      it("formats with the chosen precision", function()
         P.setprintoptions{ precision = 2 }
         assert.are.equal(" 0.50\n 1.25\n[tocha.DoubleTensor of size 2]\n",
                          P.tensor_tostring(make("tocha.DoubleTensor", { 0.5, 1.25 })))
         P.setprintoptions{ precision = 6 }
         assert.are.equal(" 0.500000\n 1.250000\n[tocha.DoubleTensor of size 2]\n",
                          P.tensor_tostring(make("tocha.DoubleTensor", { 0.5, 1.25 })))
      end)

      it("wraps at the chosen line width", function()
         P.setprintoptions{ linewidth = 12 }
         local s = P.tensor_tostring(make("tocha.LongTensor", { { 1, 2, 3, 4, 5 } }))
         assert.are.equal("Columns 1 to 4\n 1  2  3  4\n\nColumns 5 to 5\n 5\n" ..
                          "[tocha.LongTensor of size 1x5]\n", s)
      end)

      it("gives the current options, to restore them later", function()
         local before = P.getprintoptions()
         assert.is_nil(P.setprintoptions{ edgeitems = 2 })
         assert.are.equal(3, before.edgeitems)
         local mid = P.getprintoptions()
         mid.edgeitems = 5 -- a copy: changing it changes nothing
         assert.are.equal(2, P.getprintoptions().edgeitems)
         P.setprintoptions(before)
         assert.are.equal(3, P.getprintoptions().edgeitems)
      end)

      it("refuses unknown options and bad values, naming them", function()
         assert.has_error(function() P.setprintoptions{ edgeitem = 2 } end,
            "setprintoptions: unknown option 'edgeitem' (expected threshold, edgeitems, precision or linewidth)")
         assert.has_error(function() P.setprintoptions{ edgeitems = 0 } end,
            "setprintoptions: option 'edgeitems' must be an integer >= 1 (got 0)")
         assert.has_error(function() P.setprintoptions{ precision = 1.5 } end,
            "setprintoptions: option 'precision' must be an integer in 0..16 (got 1.5)")
         assert.has_error(function() P.setprintoptions(5) end,
            "setprintoptions: argument #1 must be a table of options (got number)")
         assert.are.same({ threshold = 1000, edgeitems = 3, precision = 4, linewidth = 80 },
                         P.getprintoptions())
      end)

      it("is tocha.setprintoptions and torch.setprintoptions on real tensors", function()
         local ok, tocha = pcall(require, "tocha")
         if not ok then pending("tocha.core is not built") return end
         assert.are.equal(P.setprintoptions, tocha.setprintoptions)
         local default_type = tocha.getdefaulttensortype()
         finally(function() tocha.setdefaulttensortype(default_type) end)
         require "tocha.compat"
         assert.are.equal(P.setprintoptions, _G.torch.setprintoptions)
         local s = tostring(tocha.range(1, 200 * 200):view(200, 200))
         assert.is_truthy(s:find("...", 1, true))
         assert.is_truthy(s:find("%[torch%.%a+Tensor of size 200x200%]\n$")) -- compat: Torch7's names
         tocha.setprintoptions{ threshold = math.huge }
         local _, n = tostring(tocha.range(1, 1200)):gsub("\n", "")
         assert.are.equal(1201, n)
      end)
   end)
end)
