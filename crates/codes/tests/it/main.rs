//! Tests of the knowledge base: completeness against the registry, distinct content,
//! resolvable references, and the explain API's behaviour on odd input.

mod api;
mod completeness;
