"""The CNN training step of bench/bench_cnn.lua in PyTorch (Debian's
python3-torch), for the same-run comparison: prints
"version=V threads=T ms=M" per thread count (median of 15 steps)."""
import os
import time

import torch
import torch.nn as nn


def main():
    torch.manual_seed(1)
    net = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(0.25),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout2d(0.25),
        nn.Flatten(), nn.Linear(3136, 1024), nn.ReLU(), nn.Dropout(0.5), nn.Linear(1024, 10),
        nn.LogSoftmax(dim=1))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.NLLLoss()
    x = torch.rand(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    for threads in (1, 2):
        torch.set_num_threads(threads)
        for _ in range(3):
            step()
        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
        times.sort()
        print("version=%s threads=%d ms=%.2f" % (torch.__version__, threads, times[len(times) // 2] * 1e3),
              flush=True)


if __name__ == "__main__":
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    main()
