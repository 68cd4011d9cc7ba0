"""Planning: compare the desired and live graphs, produce an immutable Plan."""
