//! The step graph as SVG, laid out by uplan itself (for the HTML report).
