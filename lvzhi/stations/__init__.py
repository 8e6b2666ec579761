"""Stations (家站室): deputy homes, liaison stations, group rooms, legislative contact points."""
