//! Train/test splits for evaluating uplift models.
