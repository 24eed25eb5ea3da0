## rules/: zone/conduit policy (issue #6); nothing is built here yet
EXTRA_DIST += %reldir%/README.md
