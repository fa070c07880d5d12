"""Review aligned or translated pairs in a local web page and export them for CAT tools."""
