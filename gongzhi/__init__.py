"""gongzhi (共治): Party-building-led grassroots governance by social organisations."""
