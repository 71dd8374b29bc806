//! The console exporter: each finished trace printed as an indented waterfall tree.
