"""Writes static/examples/coupon.csv: a simulated coupon campaign in which every customer's true
uplift is known.

20,000 customers of an online shop; half of them, at random, got a 10 % coupon by e-mail
(`coupon` = 1). `purchase` is whether they bought in the next 30 days. Each customer's chance to
buy without the coupon is p_control (not in the file); with it, p_control + `true_uplift`. The coupon works best on
lapsed customers who used to buy often, a little on newsletter readers in the south, and not at
all on the customers who bought in the last month (they would have bought anyway; a few wait for
the coupon's next round and buy less: a small negative uplift).

    .venv/bin/python scripts/make_coupon_example.py

The file is deterministic for the seed (numpy's PCG64 `default_rng`). Both probabilities are
rounded to 6 decimals before the outcome is drawn, so the file's `true_uplift` is exactly the
uplift the outcome was drawn with.
"""

import os

import numpy as np

SEED = 20261204
N = 20_000


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def main():
    rng = np.random.default_rng(SEED)
    recency = np.minimum(1 + rng.exponential(75.0, N), 365).astype(int)  # days since last order
    orders = rng.poisson(2.2, N)  # orders in the last 12 months
    basket = np.round(rng.lognormal(np.log(45.0), 0.45, N), 2)  # average order value
    app = rng.binomial(1, 0.35, N)
    newsletter = rng.binomial(1, 0.5, N)
    region = rng.choice(np.array(["north", "south", "east", "west"]), N, p=[0.3, 0.25, 0.25, 0.2])
    coupon = rng.binomial(1, 0.5, N)

    p_control = sigmoid(
        -2.0 + 0.35 * np.log1p(orders) - 0.006 * recency + 0.45 * app + 0.15 * newsletter
        + 0.004 * (basket - 45.0)
    )
    lapsed = sigmoid((recency - 60.0) / 20.0)  # 0 for recent buyers, 1 after three months
    loyal = np.minimum(orders, 6) / 6.0
    uplift = 0.14 * lapsed * loyal + 0.04 * newsletter * (region == "south")
    uplift -= 0.03 * (recency <= 30) * (orders >= 3)
    p_control = np.round(p_control, 6)
    uplift = np.round(np.clip(uplift, -p_control, 1.0 - p_control), 6)
    purchase = rng.binomial(1, p_control + coupon * uplift)

    out = os.path.join(os.path.dirname(__file__), "..", "static", "examples", "coupon.csv")
    with open(out, "w", newline="\n") as f:
        f.write(
            "customer_id,recency_days,orders_12m,avg_basket,app_user,newsletter,region,coupon,"
            "purchase,true_uplift\n"
        )
        for i in range(N):
            f.write(
                f"C{i + 1:05d},{recency[i]},{orders[i]},{basket[i]:.2f},{app[i]},{newsletter[i]},"
                f"{region[i]},{coupon[i]},{purchase[i]},{uplift[i]:.6f}\n"
            )
    print(
        f"{out}: {N} rows; purchase rate {purchase.mean():.4f}; mean true uplift {uplift.mean():.4f}; "
        f"observed difference {purchase[coupon == 1].mean() - purchase[coupon == 0].mean():.4f}"
    )


if __name__ == "__main__":
    main()
