"""The demo city (示范市) and the seed generator that builds data of any size."""
