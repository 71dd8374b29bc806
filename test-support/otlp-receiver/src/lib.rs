//! OTLP receiver for tests.
