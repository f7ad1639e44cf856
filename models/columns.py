"""Column types shared by every area, so money and months are declared one way."""
from sqlalchemy import BigInteger, Integer, Numeric
from sqlalchemy.types import JSON

# Money is NUMERIC(14, 2) and Decimal in Python; never float.
Money = Numeric(14, 2, asdecimal=True)
# Rates as fractions (0.16 for 16 %), six places for 工伤 floats such as 0.0048.
Rate = Numeric(9, 6, asdecimal=True)
Percent = Numeric(6, 2, asdecimal=True)
# Months (费款所属期, 增员年月) are YYYYMM integers throughout.
Month = Integer
# SQLite only auto-increments INTEGER PRIMARY KEY; BIGINT there would need explicit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON
