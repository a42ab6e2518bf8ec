package bnlab;

public final class Lab { private Lab() {} }
