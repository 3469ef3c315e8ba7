# cg_split.awk — self cost (Ir) of a callgrind output file by object and
# source file: one line "COST<TAB>OBJECT<TAB>FILE" per pair, then
# "TOTAL<TAB>COST". Needs callgrind's --compress-strings=no --compress-pos=no
# (names spelt out on every line). A cost line right after "calls=" is the
# inclusive cost of that call, charged to the callee already: skipped.
#   awk -f bench/cg_split.awk callgrind.out.N
/^ob=/ { ob = substr($0, 4); next }
/^fl=/ { fl = substr($0, 4); file = fl; next }
/^f[ie]=/ { file = substr($0, 4); next }
/^fn=/ { file = fl; next }
/^calls=/ { skip = 1; next }
/^[0-9+*-]/ {
  if (skip) { skip = 0; next }
  cost[ob "\t" file] += $2
  total += $2
  next
}
END {
  for (k in cost) if (cost[k] != 0) printf "%d\t%s\n", cost[k], k
  printf "TOTAL\t%d\n", total
}
