"""`make loadtest`: the site in production mode under concurrent visitors (loadtest.run)."""
