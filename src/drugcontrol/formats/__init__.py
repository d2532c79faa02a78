"""One date style per language (FORMAT_MODULE_PATH): every date and date-time of a page,
whichever named format a template asks for, reads the same way in that language."""
