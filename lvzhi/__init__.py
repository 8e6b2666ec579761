"""lvzhi (履职): the platform a People's Congress runs its deputy work on."""
