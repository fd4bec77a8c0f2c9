# A Counterfact analysis as a Python script: the same rows, the same design and, for each method,
# the computation the engine's numbers are tested against (statsmodels, scikit-learn, causalml,
# numpy), so that every number can be audited line by line in a notebook.
#
# Needs: numpy, pandas, scipy, statsmodels, scikit-learn, causalml (0.18); DoWhy is optional.
# Each method prints one JSON line: {"method": ..., "arm": ..., "estimate": ..., "std_error": ...}
# ("arm" is the treated level of a multi-arm treatment, otherwise null). A method that fails prints
# {"method": ..., "arm": ..., "error": ...} and the others still run.
import json
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
