"""The easy-read check for writers: findings in plain words before content is saved."""
