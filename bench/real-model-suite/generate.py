"""Writes the real-model suite's fixtures: the data files and tasks.jsonl with answers from pandas.

    .venv/bin/python bench/real-model-suite/generate.py

Deterministic (a fixed seed, no clock): running it again rewrites the same bytes, so the committed
fixtures are what it makes. Each task is one JSON line:

- ``id``, ``category``, ``ci`` (in the CI subset), ``needsCode`` (false for a question with no code);
- ``turns``: one or more ``{"prompt": ..., "expect": [...]}``; the turns of a task run one after
  another on the same notebook and kernel;
- ``files``: data files (paths under ``data/``) placed in the notebook's folder before the first turn;
- ``setup`` (optional): nbformat code cells the notebook holds before the first turn, as the person
  left them (``fix-error`` tasks: their own cell, failed, with its traceback as its output); a turn's
  ``fixCell`` names the one the turn runs with ``--fix-cell``, and only that cell's outputs are
  scored.

An expected fact is ``{"number": x, "decimals": d}`` (a number shown by an output, read after the
normalisation bench/support/suiteScoring.ts documents), ``{"text": [alternatives]}`` (one of them
shown, ignoring case) or ``{"image": true}`` (an image/png output).
"""

from __future__ import annotations

import contextlib
import json
import random
import statistics
import traceback
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

CUSTOMERS = [
    "Keller GmbH",
    "Northwind Traders",
    "Acme Corp",
    "Blue Harbor Ltd",
    "Sunrise Foods",
    "Orbit Systems",
    "Maple & Finch",
    "Quantum Retail",
]
REGIONS = ["North", "South", "East", "West"]
PRODUCTS = {"Widget": 12.5, "Widget Pro": 24.0, "Gadget": 8.75, "Gadget Pro": 19.5, "Gizmo": 31.25}


def write_csv(name: str, frame: pd.DataFrame, **options: object) -> None:
    path = DATA / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", **options)


def make_sales(rng: random.Random) -> pd.DataFrame:
    rows = []
    start = date(2024, 1, 3)
    for order in range(1, 73):
        day = start + timedelta(days=rng.randrange(0, 180))
        product = rng.choice(list(PRODUCTS))
        units = rng.randint(1, 40)
        rows.append(
            {
                "order_id": 1000 + order,
                "date": day.isoformat(),
                "customer": rng.choice(CUSTOMERS),
                "region": rng.choice(REGIONS),
                "product": product,
                "units": units,
                "unit_price": PRODUCTS[product],
                "revenue": round(units * PRODUCTS[product], 2),
            }
        )
    frame = pd.DataFrame(rows).sort_values(["date", "order_id"]).reset_index(drop=True)
    return frame


def make_employees(rng: random.Random) -> pd.DataFrame:
    first = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Nia"]
    last = ["Smith", "Okafor", "Novak", "Silva", "Tanaka", "Berg", "Moreau", "Patel"]
    departments = ["Engineering", "Sales", "Support", "Finance"]
    rows = []
    for index in range(48):
        age = rng.randint(22, 63)
        department = rng.choice(departments)
        base = {"Engineering": 62000, "Sales": 48000, "Support": 39000, "Finance": 55000}[department]
        salary = base + (age - 22) * 650 + rng.randint(-6000, 6000)
        hired = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 9 * 365))
        rows.append(
            {
                "name": f"{first[index % len(first)]} {last[(index * 5) % len(last)]}",
                "department": department,
                "age": age,
                "salary": int(round(salary, -2)),
                "hire_date": hired.isoformat(),
            }
        )
    return pd.DataFrame(rows)


def make_sensors(rng: random.Random) -> pd.DataFrame:
    rows = []
    start = date(2024, 1, 1)
    for index in range(90):
        day = start + timedelta(days=index * 2)
        temperature = round(4 + 14 * (index / 90) + rng.uniform(-3, 3), 1)
        humidity = round(rng.uniform(40, 90), 1)
        pressure = round(rng.uniform(995, 1030), 1)
        rows.append(
            {
                "date": day.isoformat(),
                "station": rng.choice(["A", "B", "C"]),
                "temperature": None if rng.random() < 0.15 else temperature,
                "humidity": None if rng.random() < 0.1 else humidity,
                "pressure": None if rng.random() < 0.05 else pressure,
            }
        )
    return pd.DataFrame(rows)


def make_shop(rng: random.Random) -> tuple[pd.DataFrame, pd.DataFrame]:
    segments = ["Enterprise", "SMB", "Consumer"]
    countries = ["Germany", "France", "Spain", "Italy", "Poland"]
    names = [
        "Alder Works",
        "Birch Labs",
        "Cedar Media",
        "Dogwood AG",
        "Elm Studio",
        "Fir Logistics",
        "Ginkgo Health",
        "Hazel Bank",
        "Ivy Robotics",
        "Juniper Foods",
        "Kapok Energy",
        "Linden Legal",
        "Magnolia Travel",
        "Nutmeg Games",
        "Olive Textiles",
        "Poplar Print",
        "Quince Farms",
        "Rowan Data",
    ]
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{index:03d}" for index in range(1, len(names) + 1)],
            "name": names,
            "country": [rng.choice(countries) for _ in names],
            "segment": [rng.choice(segments) for _ in names],
        }
    )
    with_orders = [cid for index, cid in enumerate(customers["customer_id"]) if index % 6 != 4]
    orders = []
    for index in range(1, 61):
        orders.append(
            {
                "order_id": f"O{index:04d}",
                "customer_id": rng.choice(with_orders),
                "amount": round(rng.uniform(20, 900), 2),
                "date": (date(2024, 2, 1) + timedelta(days=rng.randrange(0, 120))).isoformat(),
            }
        )
    return customers, pd.DataFrame(orders)


def decimal_comma(value: float, thousands: str = "") -> str:
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", thousands)


def num(value: float, decimals: int = 2) -> dict:
    return {"number": round(float(value), 10), "decimals": decimals}


def text(*alternatives: str) -> dict:
    return {"text": list(alternatives)}


IMAGE = {"image": True}


def task(
    task_id: str,
    category: str,
    turns: list[tuple[str, list[dict]]],
    files: list[str] | None = None,
    ci: bool = False,
    needs_code: bool = True,
) -> dict:
    return {
        "id": task_id,
        "category": category,
        "ci": ci,
        "needsCode": needs_code,
        "files": files or [],
        "turns": [{"prompt": prompt, "expect": expect} for prompt, expect in turns],
    }


def failing_cell(cell_id: str, source: str) -> dict:
    """The person's cell as it is after they ran it: its source and the error it raised.

    The code runs here, in the data folder, so the error is the one the kernel would show; the
    traceback keeps only the frame of the cell itself (no paths of this machine's packages).
    """
    code = compile(source, "<cell>", "exec")
    with contextlib.chdir(DATA):
        try:
            exec(code, {})  # noqa: S102 - the suite's own fixture code
        except Exception as error:  # noqa: BLE001 - any error is the fixture's point
            ename, evalue = type(error).__name__, str(error)
            frames = traceback.extract_tb(error.__traceback__)
            lineno = next(frame.lineno for frame in frames if frame.filename == "<cell>")
        else:
            raise AssertionError(f"the cell of {cell_id} was meant to fail")
    line = source.splitlines()[lineno - 1]
    lines = [
        f"{ename}                                  Traceback (most recent call last)",
        f"Cell In[1], line {lineno}\n----> {lineno} {line}",
        f"{ename}: {evalue}",
    ]
    return {
        "id": cell_id,
        "cell_type": "code",
        "metadata": {},
        "execution_count": 1,
        "source": source,
        "outputs": [{"output_type": "error", "ename": ename, "evalue": evalue, "traceback": lines}],
    }


def fix_task(task_id: str, prompt: str, cell: dict, expect: list[dict], files: list[str], ci: bool = False) -> dict:
    """A ``fix-error`` task: the run points at the person's failing cell with intent fix."""
    entry = task(task_id, "fix-error", [(prompt, expect)], files=files, ci=ci)
    entry["setup"] = [cell]
    entry["turns"][0]["fixCell"] = cell["id"]
    return entry


def fix_error_tasks(sales: pd.DataFrame, employees: pd.DataFrame) -> list[dict]:
    """The person's own cells that fail, and what their fixed output must show."""
    region_totals = sales.groupby("region")["revenue"].sum()
    scores = pd.read_csv(DATA / "scores.txt", sep="|")
    prices = pd.read_csv(DATA / "prices_eu.csv", sep=";", decimal=",")
    return [
        fix_task(
            "fix-keyerror-region",
            "Fix this cell.",
            failing_cell(
                "user-region-totals",
                "import pandas as pd\nsales = pd.read_csv('sales.csv')\n"
                "print(sales.groupby('Region')['revenue'].sum())",
            ),
            [num(region_totals[name]) for name in REGIONS],
            ["sales.csv"],
        ),
        fix_task(
            "fix-delimiter-scores",
            "This fails and I don't see why. Can you repair it?",
            failing_cell(
                "user-top-score",
                "import pandas as pd\nscores = pd.read_csv('scores.txt')\nprint(scores['score'].max())",
            ),
            [num(scores["score"].max(), 0)],
            ["scores.txt"],
        ),
        fix_task(
            "fix-typo-variable",
            "what's wrong here? make it work",
            failing_cell(
                "user-median-salary",
                "import pandas as pd\nemployees = pd.read_csv('employees.csv')\nprint(employes['salary'].median())",
            ),
            [num(employees["salary"].median())],
            ["employees.csv"],
        ),
        fix_task(
            "fix-delimiter-eu-prices",
            "Please fix the error so the cell prints the mean price.",
            failing_cell(
                "user-mean-price",
                "import pandas as pd\nprices = pd.read_csv('prices_eu.csv')\nprint(prices['price'].mean())",
            ),
            [num(prices["price"].mean())],
            ["prices_eu.csv"],
        ),
    ]


def main() -> None:
    rng = random.Random(20261203)
    DATA.mkdir(parents=True, exist_ok=True)
    for old in DATA.rglob("*"):
        if old.is_file():
            old.unlink()

    sales = make_sales(rng)
    write_csv("sales.csv", sales)
    employees = make_employees(rng)
    write_csv("employees.csv", employees)
    sensors = make_sensors(rng)
    write_csv("sensors.csv", sensors)
    customers, orders = make_shop(rng)
    write_csv("customers.csv", customers)
    write_csv("orders.csv", orders)
    (DATA / "notes.txt").write_text("Quarterly numbers go in sales.csv; staff data in employees.csv.\n")

    # A semicolon-separated file with decimal commas, as a European spreadsheet exports it.
    prices = pd.DataFrame(
        {
            "article": [f"A-{index:02d}" for index in range(1, 25)],
            "price": [round(rng.uniform(1, 60), 2) for _ in range(24)],
            "stock": [rng.randint(0, 300) for _ in range(24)],
        }
    )
    lines = ["article;price;stock"] + [
        f"{row.article};{decimal_comma(row.price)};{row.stock}" for row in prices.itertuples()
    ]
    (DATA / "prices_eu.csv").write_text("\n".join(lines) + "\n")

    # The same convention, unannounced, with thousands separators.
    ledger = pd.DataFrame(
        {
            "booking": [f"B{index}" for index in range(1, 31)],
            "account": [rng.choice(["Rent", "Travel", "Payroll", "Office"]) for _ in range(30)],
            "amount": [round(rng.uniform(50, 9000), 2) for _ in range(30)],
        }
    )
    lines = ["booking;account;amount"] + [
        f"{row.booking};{row.account};{decimal_comma(row.amount, thousands='.')}" for row in ledger.itertuples()
    ]
    (DATA / "ledger.csv").write_text("\n".join(lines) + "\n")

    depths = pd.DataFrame(
        {
            "site": [f"S{index}" for index in range(1, 21)],
            "depth": [round(rng.uniform(2, 120), 1) for _ in range(20)],
            "salinity": [round(rng.uniform(30, 38), 2) for _ in range(20)],
        }
    )
    write_csv("measurements.tsv", depths, sep="\t")

    scores = pd.DataFrame(
        {"player": [f"P{index:02d}" for index in range(1, 27)], "score": [rng.randint(120, 990) for _ in range(26)]}
    )
    write_csv("scores.txt", scores, sep="|")

    # Latin-1 text: reading it as UTF-8 fails until the encoding is given.
    payments = pd.DataFrame(
        {
            "empfänger": [rng.choice(["Müller", "Schäfer", "Köhler", "Weiß", "Groß"]) for _ in range(22)],
            "betrag": [round(rng.uniform(10, 400), 2) for _ in range(22)],
        }
    )
    (DATA / "umlaute.csv").write_bytes(payments.to_csv(index=False, lineterminator="\n").encode("latin-1"))

    # Numbers mixed with placeholders: the column is read as text and its mean fails.
    raw_scores = [str(rng.randint(40, 100)) for _ in range(30)]
    for index in (3, 11, 17, 25):
        raw_scores[index] = "n/a"
    raw_scores[20] = "-"
    results = pd.DataFrame({"student": [f"St{index}" for index in range(1, 31)], "score": raw_scores})
    write_csv("results.csv", results)
    numeric_scores = pd.to_numeric(results["score"], errors="coerce")

    # Two comment lines above the header: read_csv fails to tokenise until told to skip them.
    report = pd.DataFrame(
        {
            "item": [f"I{index}" for index in range(1, 19)],
            "value": [rng.randint(100, 5000) for _ in range(18)],
            "unit": ["EUR"] * 18,
        }
    )
    (DATA / "report.csv").write_text(
        "# Exported from FinanceTool 3.2\n# All values in EUR\n" + report.to_csv(index=False, lineterminator="\n")
    )

    # The column is price_eur, not the Price the question names.
    shop = pd.DataFrame(
        {
            "sku": [f"K{index:03d}" for index in range(1, 21)],
            "price_eur": [round(rng.uniform(3, 80), 2) for _ in range(20)],
        }
    )
    write_csv("shop.csv", shop)

    sales["date"] = pd.to_datetime(sales["date"])
    by_region = sales.groupby("region")["revenue"].sum()
    by_customer = sales.groupby("customer")["revenue"].sum()
    by_product_units = sales.groupby("product")["units"].sum()
    march = sales[(sales["date"].dt.year == 2024) & (sales["date"].dt.month == 3)]
    by_month = sales.groupby(sales["date"].dt.to_period("M"))["revenue"].sum()
    by_weekday = sales["date"].dt.day_name().value_counts()
    big = sales[sales["revenue"] > 500]
    pro = sales[sales["product"].str.contains("Pro")]
    priciest = sales.loc[sales["unit_price"].idxmax()]
    employees["hire_date"] = pd.to_datetime(employees["hire_date"])
    engineering = employees[employees["department"] == "Engineering"]
    older_rich = employees[(employees["age"] > 40) & (employees["salary"] > 60000)]
    joined = orders.merge(customers, on="customer_id")
    by_country = joined.groupby("country")["amount"].sum()
    by_name = joined.groupby("name")["amount"].sum()
    no_orders = set(customers["customer_id"]) - set(orders["customer_id"])
    enterprise = joined[joined["segment"] == "Enterprise"]
    sensor_missing = sensors.isna().sum()
    filled = sensors["temperature"].fillna(sensors["temperature"].median())
    prices_read = pd.read_csv(DATA / "prices_eu.csv", sep=";", decimal=",")
    ledger_read = pd.read_csv(DATA / "ledger.csv", sep=";", decimal=",", thousands=".")
    umlaute_read = pd.read_csv(DATA / "umlaute.csv", encoding="latin-1")
    report_read = pd.read_csv(DATA / "report.csv", comment="#")
    prices_list = [19.99, 5.49, 3.75, 12.00, 8.25]
    for check, expected in (
        (prices_read["price"].sum(), prices["price"].sum()),
        (ledger_read["amount"].sum(), ledger["amount"].sum()),
    ):
        assert abs(check - expected) < 1e-6, (check, expected)
    assert by_region.idxmax() == by_region.sort_values().index[-1] and by_region.max() > by_region.nlargest(2).iloc[1]
    assert by_weekday.iloc[0] > by_weekday.iloc[1], "the busiest weekday must be unique"
    assert by_month.iloc[by_month.argmax()] > by_month.nlargest(2).iloc[1]

    others = ["sales.csv", "employees.csv", "notes.txt"]
    tasks = [
        # Plain arithmetic, in a folder that holds other files.
        task(
            "numbers-mean",
            "arithmetic",
            [("Compute the mean of the numbers 3, 5, 10, 12 and print it.", [num(7.5, 2)])],
            others,
            ci=True,
        ),
        task(
            "numbers-mean-std",
            "arithmetic",
            [
                (
                    "Compute the mean and population standard deviation of 3, 5, 10, 12 and print them.",
                    [num(7.5, 2), num(statistics.pstdev([3, 5, 10, 12]), 2)],
                )
            ],
            others,
            ci=True,
        ),
        task(
            "numbers-median",
            "arithmetic",
            [("What is the median of 8, 1, 4, 9, 3, 7?", [num(statistics.median([8, 1, 4, 9, 3, 7]), 2)])],
            others,
        ),
        # Aggregation.
        task(
            "agg-mean-revenue",
            "aggregation",
            [("What is the mean of the revenue column in sales.csv?", [num(sales["revenue"].mean())])],
            ["sales.csv"],
            ci=True,
        ),
        task(
            "agg-region-total",
            "aggregation",
            [
                (
                    "Using sales.csv, which region has the highest total revenue, and what is that total?",
                    [text(by_region.idxmax()), num(by_region.max())],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "agg-top-customer",
            "aggregation",
            [("Find the top customer by revenue in sales.csv.", [text(by_customer.idxmax())])],
            ["sales.csv"],
            ci=True,
        ),
        task(
            "agg-units-per-product",
            "aggregation",
            [
                (
                    "How many units of each product were sold in total? The data is in sales.csv.",
                    [num(value, 0) for value in by_product_units.values],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "agg-count-orders",
            "aggregation",
            [("How many orders does sales.csv contain?", [num(len(sales), 0)])],
            ["sales.csv"],
        ),
        task(
            "agg-correlation",
            "aggregation",
            [
                (
                    "What is the correlation between age and salary in employees.csv?",
                    [num(employees["age"].corr(employees["salary"]), 2)],
                )
            ],
            ["employees.csv"],
            ci=True,
        ),
        task(
            "agg-priciest-product",
            "aggregation",
            [
                (
                    "Print the highest unit_price in sales.csv and the product it belongs to.",
                    [num(priciest["unit_price"]), text(priciest["product"])],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "agg-department-headcount",
            "aggregation",
            [
                (
                    "Tell me how many people work in each department, from employees.csv.",
                    [num(value, 0) for value in employees["department"].value_counts().values],
                )
            ],
            ["employees.csv"],
        ),
        # Filters.
        task(
            "filter-region-count",
            "filters",
            [
                (
                    "How many orders in sales.csv come from the North region?",
                    [num((sales["region"] == "North").sum(), 0)],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "filter-big-orders",
            "filters",
            [
                (
                    "In sales.csv, how many orders have a revenue above 500, and what is their total revenue?",
                    [num(len(big), 0), num(big["revenue"].sum())],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "filter-department-mean",
            "filters",
            [
                (
                    "What is the average salary of the Engineering department in employees.csv?",
                    [num(engineering["salary"].mean())],
                )
            ],
            ["employees.csv"],
        ),
        task(
            "filter-two-conditions",
            "filters",
            [
                (
                    "Count the employees in employees.csv who are older than 40 and earn more than 60000.",
                    [num(len(older_rich), 0)],
                )
            ],
            ["employees.csv"],
        ),
        task(
            "filter-name-contains",
            "filters",
            [
                (
                    "How many orders in sales.csv are for a product whose name contains 'Pro'?",
                    [num(len(pro), 0)],
                )
            ],
            ["sales.csv"],
        ),
        # Dates.
        task(
            "dates-median-march",
            "dates",
            [
                (
                    "What is the median revenue of the orders placed in March 2024 in sales.csv?",
                    [num(march["revenue"].median())],
                )
            ],
            ["sales.csv"],
            ci=True,
        ),
        task(
            "dates-best-month",
            "dates",
            [
                (
                    "Which month had the highest total revenue in sales.csv?",
                    [text(str(by_month.idxmax()), by_month.idxmax().strftime("%B"))],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "dates-busiest-weekday",
            "dates",
            [("On which weekday were the most orders placed? Use sales.csv.", [text(by_weekday.index[0])])],
            ["sales.csv"],
        ),
        task(
            "dates-span",
            "dates",
            [
                (
                    "How many days are there between the first and the last order in sales.csv?",
                    [num((sales["date"].max() - sales["date"].min()).days, 0)],
                )
            ],
            ["sales.csv"],
        ),
        task(
            "dates-hired-since-2019",
            "dates",
            [
                (
                    "How many employees in employees.csv were hired in 2019 or later?",
                    [num((employees["hire_date"].dt.year >= 2019).sum(), 0)],
                )
            ],
            ["employees.csv"],
        ),
        # Missing values.
        task(
            "missing-count",
            "missing",
            [
                (
                    "How many missing values are in the temperature column of sensors.csv?",
                    [num(sensor_missing["temperature"], 0)],
                )
            ],
            ["sensors.csv"],
            ci=True,
        ),
        task(
            "missing-per-column",
            "missing",
            [
                (
                    "Count the missing values in each column of sensors.csv.",
                    [num(sensor_missing[column], 0) for column in ("temperature", "humidity", "pressure")],
                )
            ],
            ["sensors.csv"],
        ),
        task(
            "missing-mean-skipna",
            "missing",
            [
                (
                    "What is the mean humidity in sensors.csv, ignoring missing values?",
                    [num(sensors["humidity"].mean())],
                )
            ],
            ["sensors.csv"],
        ),
        task(
            "missing-fill-median",
            "missing",
            [
                (
                    "Fill the missing temperatures in sensors.csv with the column's median, "
                    "then print the mean temperature.",
                    [num(filled.mean())],
                )
            ],
            ["sensors.csv"],
        ),
        task(
            "missing-complete-rows",
            "missing",
            [("How many rows of sensors.csv have no missing value at all?", [num(len(sensors.dropna()), 0)])],
            ["sensors.csv"],
        ),
        # Joins.
        task(
            "join-country-total",
            "joins",
            [
                (
                    "customers.csv and orders.csv share the customer_id column. "
                    "Which country has the largest total order amount, and how much is it?",
                    [text(by_country.idxmax()), num(by_country.max())],
                )
            ],
            ["customers.csv", "orders.csv"],
        ),
        task(
            "join-top-name",
            "joins",
            [
                (
                    "Who is the customer, by name, with the largest total order amount? "
                    "Use customers.csv and orders.csv.",
                    [text(by_name.idxmax())],
                )
            ],
            ["customers.csv", "orders.csv"],
            ci=True,
        ),
        task(
            "join-no-orders",
            "joins",
            [
                (
                    "Which customers in customers.csv have no orders in orders.csv? Give their names.",
                    [text(name) for name in customers[customers["customer_id"].isin(no_orders)]["name"]],
                )
            ],
            ["customers.csv", "orders.csv"],
        ),
        task(
            "join-segment-mean",
            "joins",
            [
                (
                    "What is the average order amount of customers in the Enterprise segment? "
                    "The segment is in customers.csv, the orders in orders.csv.",
                    [num(enterprise["amount"].mean())],
                )
            ],
            ["customers.csv", "orders.csv"],
        ),
        # Odd delimiters and decimal commas.
        task(
            "delim-semicolon-mean",
            "delimiters",
            [
                (
                    "prices_eu.csv is separated by semicolons and uses decimal commas. What is the mean price?",
                    [num(prices["price"].mean())],
                )
            ],
            ["prices_eu.csv"],
            ci=True,
        ),
        task(
            "delim-ledger-total",
            "delimiters",
            [("What is the total of the amount column in ledger.csv?", [num(ledger["amount"].sum())])],
            ["ledger.csv"],
        ),
        task(
            "delim-semicolon-stock",
            "delimiters",
            [("Sum the stock column of prices_eu.csv.", [num(prices["stock"].sum(), 0)])],
            ["prices_eu.csv"],
        ),
        task(
            "delim-tab",
            "delimiters",
            [
                (
                    "measurements.tsv is tab-separated. What is the maximum depth?",
                    [num(depths["depth"].max(), 1)],
                )
            ],
            ["measurements.tsv"],
        ),
        task(
            "delim-pipe",
            "delimiters",
            [("What is the average score in scores.txt?", [num(scores["score"].mean())])],
            ["scores.txt"],
        ),
        # Plots: an image must be in the output.
        task(
            "plot-histogram",
            "plots",
            [("Plot a histogram of the revenue column in sales.csv.", [IMAGE])],
            ["sales.csv"],
            ci=True,
        ),
        task(
            "plot-bar-region",
            "plots",
            [("Make a bar chart of total revenue per region from sales.csv.", [IMAGE])],
            ["sales.csv"],
        ),
        task(
            "plot-line-temperature",
            "plots",
            [("Draw a line chart of the temperature over time from sensors.csv.", [IMAGE])],
            ["sensors.csv"],
        ),
        task(
            "plot-scatter",
            "plots",
            [("Show a scatter plot of salary against age for employees.csv.", [IMAGE])],
            ["employees.csv"],
        ),
        # Sessions whose later turns rely on the kernel's state.
        task(
            "multi-df-then-region",
            "multi-turn",
            [
                ("Load sales.csv into a DataFrame named df and print how many rows it has.", [num(len(sales), 0)]),
                (
                    "Using df, print the total revenue of the South region.",
                    [num(by_region["South"])],
                ),
            ],
            ["sales.csv"],
            ci=True,
        ),
        task(
            "multi-list-discount",
            "multi-turn",
            [
                ("Create a variable prices = [19.99, 5.49, 3.75, 12.00, 8.25].", []),
                ("Print the sum of prices.", [num(sum(prices_list))]),
                (
                    "Apply a 10% discount to every price and print the new mean.",
                    [num(statistics.mean(price * 0.9 for price in prices_list))],
                ),
            ],
        ),
        task(
            "multi-employees-column",
            "multi-turn",
            [
                ("Read employees.csv into a DataFrame called emp.", []),
                (
                    "Add a column monthly to emp with the salary divided by 12, and print the mean of that column.",
                    [num(employees["salary"].mean() / 12)],
                ),
            ],
            ["employees.csv"],
        ),
        # A first attempt fails; the answer needs the error read and the code revised.
        task(
            "error-latin1",
            "error-recovery",
            [("What is the mean of the betrag column in umlaute.csv?", [num(umlaute_read["betrag"].mean())])],
            ["umlaute.csv"],
        ),
        task(
            "error-placeholders",
            "error-recovery",
            [
                (
                    "What is the average score in results.csv? Some scores are not numbers; leave those out.",
                    [num(numeric_scores.mean())],
                )
            ],
            ["results.csv"],
        ),
        task(
            "error-comment-lines",
            "error-recovery",
            [("What is the sum of the value column in report.csv?", [num(report_read["value"].sum(), 0)])],
            ["report.csv"],
        ),
        task(
            "error-column-name",
            "error-recovery",
            [("Print the mean of the Price column in shop.csv.", [num(shop["price_eur"].mean())])],
            ["shop.csv"],
        ),
        # Questions that need no code.
        task(
            "nocode-read-csv",
            "no-code",
            [("Which pandas function reads a CSV file into a DataFrame? Just name it.", [text("read_csv")])],
            needs_code=False,
            ci=True,
        ),
        task(
            "nocode-yield",
            "no-code",
            [
                (
                    "Without running code: what kind of object does calling a Python function that contains "
                    "yield return?",
                    [text("generator")],
                )
            ],
            needs_code=False,
        ),
    ]
    tasks += fix_error_tasks(sales, employees)
    ids = [entry["id"] for entry in tasks]
    assert len(ids) == len(set(ids)), "task ids must be unique"
    for entry in tasks:
        for name in entry["files"]:
            assert (DATA / name).is_file(), name
    with (HERE / "tasks.jsonl").open("w") as out:
        for entry in tasks:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"{len(tasks)} tasks ({sum(entry['ci'] for entry in tasks)} in the CI subset) in {HERE / 'tasks.jsonl'}")


if __name__ == "__main__":
    main()
